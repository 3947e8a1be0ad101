"""Adding evidence later, accent-insensitive search, and the admin pages of the app."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from programs.models import EvidenceFile, ProgrammeEvent
from programs.services import activity_record
from tests.programs.conftest import PDF_BYTES, PNG_BYTES

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity(programmes, officer_a, front_a):
    return activity_record(
        user=officer_a,
        programme_id=programmes[9].id,
        kind="propaganda_session",
        held_on=datetime.date(2026, 5, 5),
        organization_id=front_a.id,
        description="Tuyên truyền chính sách tôn giáo ở Mường Phăng",
    )


def test_evidence_is_added_from_the_activity_page(client, activity, officer_a):
    client.force_login(officer_a)

    response = client.post(
        f"/chuong-trinh/hoat-dong/{activity.id}/minh-chung/",
        {"evidence": [SimpleUploadedFile("anh.png", PNG_BYTES), SimpleUploadedFile("bb.pdf", PDF_BYTES)]},
    )

    assert response.status_code == 302
    assert sorted(EvidenceFile.objects.filter(activity=activity).values_list("content_type", flat=True)) == [
        "application/pdf",
        "image/png",
    ]
    assert ProgrammeEvent.objects.filter(activity=activity, kind="evidence_added").count() == 1


def test_the_page_refuses_an_empty_or_wrong_file(client, activity, officer_a):
    client.force_login(officer_a)
    url = f"/chuong-trinh/hoat-dong/{activity.id}/minh-chung/"

    empty = client.post(url, {})
    wrong = client.post(url, {"evidence": SimpleUploadedFile("x.pdf", b"not a pdf at all" * 20)})

    assert empty.status_code == 400
    assert wrong.status_code == 400
    assert "không phải là loại tệp minh chứng được chấp nhận" in wrong.content.decode()
    assert not EvidenceFile.objects.exists()


def test_evidence_api_and_scope(client, activity, officer_a, officer_b):
    url = f"/api/v1/activities/{activity.id}/evidence/"
    client.force_login(officer_b)
    assert client.post(url, {"evidence": SimpleUploadedFile("bb.pdf", PDF_BYTES)}).status_code == 404
    assert client.post(f"/chuong-trinh/hoat-dong/{activity.id}/minh-chung/", {}).status_code == 404

    client.force_login(officer_a)
    response = client.post(url, {"evidence": SimpleUploadedFile("bb.pdf", PDF_BYTES)})

    assert response.status_code == 201
    assert response.json()[0]["content_type"] == "application/pdf"


def test_activities_are_found_without_diacritics(client, activity, officer_a):
    client.force_login(officer_a)

    api = client.get("/api/v1/activities/?q=muong phang").json()
    page = client.get("/chuong-trinh/9/?q=ton giao").content.decode()
    miss = client.get("/chuong-trinh/9/?q=dat dai").content.decode()

    assert [a["id"] for a in api["results"]] == [activity.id]
    assert "Tuyên truyền chính sách tôn giáo" in page
    assert "Tuyên truyền chính sách tôn giáo" not in miss


def test_admin_pages_of_the_app_load(client, activity, admin_user):
    client.force_login(admin_user)
    for name in ["programme", "milestone", "programmequantity", "activity", "evidencefile", "programmeevent"]:
        assert client.get(f"/quan-tri/programs/{name}/").status_code == 200, name
    assert client.get(f"/quan-tri/programs/programme/{activity.programme_id}/change/").status_code == 200


def test_the_register_is_searched_without_diacritics(client, programmes, officer_a, front_a):
    from programs.services import skilful_model_register

    skilful_model_register(
        user=officer_a, name="Mô hình Dân vận khéo trồng cà phê", organization_id=front_a.id, year=2026,
        field="economy", description="Vận động hộ nghèo trồng cà phê",
    )  # fmt: skip
    client.force_login(officer_a)

    assert "trồng cà phê" in client.get("/dan-van-kheo/?q=ca phe").content.decode()
    assert "trồng cà phê" not in client.get("/dan-van-kheo/?q=lua nuoc").content.decode()


def test_the_register_refuses_a_year_outside_the_period(client, programmes, officer_a, front_a):
    client.force_login(officer_a)

    response = client.post(
        "/dan-van-kheo/moi/",
        {"name": "Mô hình", "organization": front_a.id, "year": "2031", "field": "economy", "description": "x",
         "recognition_level": "none"},
    )  # fmt: skip

    assert response.status_code == 400
    assert "2030" in response.content.decode()
