"""Machine clients never get HTML: /api/ and /open311/ answer their own error bodies, whatever fails."""

import json

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


def test_an_unknown_api_address_answers_404_in_the_api_error_body(client):
    response = client.get("/api/v1/khong-co/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == "not_found"


def test_an_unknown_open311_address_answers_404_in_the_open311_error_shape(client):
    response = client.get("/open311/v2/khong-co.json")

    assert response.status_code == 404
    assert json.loads(response.content)[0]["code"] == 404


def test_a_page_404_stays_html(client):
    response = client.get("/khong-co/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_the_database_failing_inside_an_api_view_answers_503_json(client, monkeypatch, submit_kwargs):
    from feedback.api import public

    def down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(public, "item_submit", down)
    payload = {
        "type": "report",
        "category": submit_kwargs["category_id"],
        "commune": submit_kwargs["commune_id"],
        "title": "Rác thải đổ trộm bên suối",
        "content": "Có người đổ rác xuống suối vào ban đêm.",
        "consent_processing": True,
    }
    response = client.post("/api/v1/public/items/", payload, content_type="application/json")

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert response.json()["error"]["code"] == "unavailable"
    assert "thử lại sau một phút" in response.json()["error"]["message"]


def test_a_server_error_under_the_api_is_json_not_the_html_page(client, monkeypatch):
    from django.test import Client

    from feedback.api import public

    def broken(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(public.PublicCategoryListApi, "get_queryset", broken)
    response = Client(raise_request_exception=False).get("/api/v1/public/categories/")

    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == "server_error"


def test_the_api_explains_bad_input_in_the_client_s_language(client, seeded):
    # Given a citizen's app that sends what a form of its own let through, and no Accept-Language (Vietnamese
    # first); the expected sentences are written here, not read from a catalogue
    url = "/api/v1/public/items/"
    bad = {
        "type": "nope",
        "category": "x",
        "commune": 2,
        "title": "t" * 300,
        "content": {},
        "consent_processing": "maybe",
    }

    # When it posts it, then every field's message is Vietnamese, with the field's own limits and values
    fields = client.post(url, bad, content_type="application/json").json()["error"]["fields"]
    assert fields == {
        "type": ["“nope” không phải là lựa chọn hợp lệ."],
        "category": ["Vui lòng nhập một số nguyên hợp lệ."],
        "title": ["Trường này chỉ được dài tối đa 200 ký tự."],
        "content": ["Không phải là chuỗi ký tự hợp lệ."],
        "consent_processing": ["Phải là giá trị đúng hoặc sai (true hoặc false)."],
    }

    # and a body that is not an object, an empty body and a body of another type are explained the same way
    listed = client.post(url, "[1, 2]", content_type="application/json").json()["error"]
    assert listed["message"] == "Dữ liệu không hợp lệ. Cần một đối tượng JSON nhưng nhận được list."
    nothing = client.post(url, "null", content_type="application/json").json()["error"]
    assert nothing["message"] == "Chưa có dữ liệu nào được gửi."
    assert nothing["fields"] == {"non_field_errors": ["Chưa có dữ liệu nào được gửi."]}
    text = client.post(url, "xin chào", content_type="text/plain")
    assert text.status_code == 415
    assert text.json()["error"]["message"] == "Không hỗ trợ kiểu dữ liệu “text/plain” trong yêu cầu."

    # When the app asks for English, then the same input is explained in English
    in_english = {"content_type": "application/json", "headers": {"Accept-Language": "en"}}
    english = client.post(url, bad, **in_english).json()["error"]
    assert english["fields"]["category"] == ["A valid integer is required."]
    assert client.post(url, "null", **in_english).json()["error"]["message"] == "No data provided"
