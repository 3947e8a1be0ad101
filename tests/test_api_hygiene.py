"""API hygiene: bad filter values are 400 with the error body (never a 500), every API error Django answers
itself is JSON (Open311: its errors body), responses are not cached, and fields that can be null say so in
the schema."""

import pytest
import yaml
from rest_framework.test import APIClient


@pytest.fixture
def api(officer_a, province_officer):
    client = APIClient()
    client.force_login(province_officer)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/milestones/?year=0",
        "/api/v1/milestones/?year=99999999999",
        "/api/v1/activities/?year=-5",
        "/api/v1/programme-campaigns/?year=abc",
        "/api/v1/items/?commune=1e30",
        "/api/v1/items/?category=-1",
        "/api/v1/reports/items/?agency=99999999999999999999",
        "/api/v1/indicator-values/?organization=0",
    ],
)
def test_a_bad_filter_value_is_400_with_the_error_body(api, url):
    response = api.get(url)

    assert response.status_code == 400, response.content[:300]
    assert response.json()["error"]["code"] == "invalid"


@pytest.mark.django_db
def test_unknown_api_urls_answer_in_json_and_open311_in_its_errors_body(api):
    api_404 = api.get("/api/v1/khong-co/")
    open311_json = api.get("/open311/v2/khong-co.json")
    open311_xml = api.get("/open311/v2/khong-co.xml")
    english = APIClient().get("/api/v1/khong-co/", HTTP_ACCEPT_LANGUAGE="en")

    assert api_404.status_code == 404
    assert api_404.json()["error"]["code"] == "not_found"
    assert open311_json.json() == [{"code": 404, "description": open311_json.json()[0]["description"]}]
    assert open311_xml.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<errors><error><code>404')
    assert english.json()["error"]["message"] == "Not found."
    assert api_404.json()["error"]["message"] != "Not found."  # Vietnamese first


@pytest.mark.django_db
def test_api_responses_are_not_cached(api):
    for url in ("/api/v1/items/", "/api/v1/khong-co/", "/open311/v2/services.json", "/api/v1/communes/"):
        assert api.get(url)["Cache-Control"] == "no-store", url


@pytest.mark.django_db
def test_fields_that_can_be_null_are_declared_nullable_in_the_schema(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    components = schema["components"]["schemas"]

    def nullable(component, field):
        return components[component]["properties"][field].get("nullable") is True

    assert nullable("ItemList", "current_agency")
    assert nullable("Event", "actor")
    assert nullable("Event", "agency")
    assert nullable("ValueOutput", "unit_name")
    assert nullable("PublicHistoryEntry", "agency")


@pytest.mark.django_db
def test_a_body_django_refuses_is_a_json_400_on_the_api(settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    client = APIClient(raise_request_exception=False)

    response = client.post(
        "/api/v1/public/items/",
        "&".join(f"f{n}=x" for n in range(50)),
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] in ("malformed", "invalid")


@pytest.mark.django_db
def test_invalid_utf8_in_a_form_is_refused_cleanly(client):
    from feedback.models import Item

    page = client.post("/gui-y-kien/", b"title=%FF%FEabc&content=x", content_type="application/x-www-form-urlencoded")
    api = client.post("/api/v1/public/items/", b"title=%C3%28", content_type="application/x-www-form-urlencoded")
    query = client.get("/api/v1/communes/?q=%E0%A4")
    fine = client.get("/api/v1/communes/?q=m%C6%B0%E1%BB%9Dng")  # "mường"

    assert page.status_code == 400
    assert not Item.objects.exists()
    assert api.status_code == 400
    assert api.json()["error"]["code"] == "malformed"
    assert query.status_code == 400
    assert fine.status_code == 200


@pytest.mark.django_db
def test_a_nul_character_in_a_query_string_is_a_400_in_each_answer_shape_never_a_500(client):
    client.raise_request_exception = False

    page = client.get("/cong-khai/", {"q": "đường\x00"})
    english_page = client.get("/cong-khai/", {"q": "\x00"}, HTTP_COOKIE="django_language=en")
    api = client.get("/api/v1/communes/", {"q": "\x00"})
    open311 = client.get("/open311/v2/requests.json", {"service_code": "\x00"})
    fine = client.get("/cong-khai/", {"q": "đường"})

    assert page.status_code == 400
    assert page["Content-Type"].startswith("text/html")
    assert '<html lang="vi">' in page.content.decode()
    assert "Không đọc được yêu cầu." in page.content.decode()
    assert "Check the address of the page" in english_page.content.decode()
    assert api.status_code == 400
    assert api.json()["error"]["code"] == "malformed"
    assert open311.status_code == 400
    assert open311.json()[0]["code"] == 400
    assert fine.status_code == 200


@pytest.mark.django_db
def test_a_request_django_refuses_is_the_portals_own_page_in_the_visitors_language(client):
    client.raise_request_exception = False

    bad_bytes = client.get("/tra-cuu/?code=%FF")
    bad_host = client.get("/", HTTP_HOST="portal.example.invalid")

    for response in (bad_bytes, bad_host):
        body = response.content.decode()
        assert response.status_code == 400
        assert "Không đọc được yêu cầu." in body  # not Django's English "Bad Request (400)"
        assert 'href="/"' in body


@pytest.mark.django_db
def test_a_body_over_the_size_limit_is_a_413_that_says_the_limit(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    client = APIClient(raise_request_exception=False)
    body = '{"title": "' + "x" * (1024 * 1024 + 10) + '"}'

    api = client.post("/api/v1/public/items/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="vi")
    page = client.post(
        "/gui-y-kien/", "title=" + "x" * (1024 * 1024 + 10), content_type="application/x-www-form-urlencoded"
    )

    assert api.status_code == 413
    assert api.json()["error"]["code"] == "too_large"
    assert "1 MB" in api.json()["error"]["message"]
    assert page.status_code == 413
    assert "Yêu cầu quá lớn: mỗi lần chỉ gửi tối đa 1 MB." in page.content.decode()
    assert "Chưa có gì được lưu." in page.content.decode()
    assert page["Content-Type"].startswith("text/html")
