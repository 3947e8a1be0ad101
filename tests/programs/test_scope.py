"""An officer of another commune is refused (403/404) on every programs URL and endpoint that names
another commune's record, and sees none of it in the lists."""

import datetime

import pytest

from feedback.models import Campaign
from programs.models import EvidenceFile, Milestone, SkilfulMobilisationModel
from programs.services import activity_record
from tests.programs.conftest import PDF_BYTES

pytestmark = pytest.mark.django_db


@pytest.fixture
def records_of_a(programmes, officer_a, front_a, pdf):
    activity = activity_record(
        user=officer_a,
        programme_id=programmes[2].id,
        kind="dialogue",
        held_on=datetime.date(2026, 3, 3),
        organization_id=front_a.id,
        description="Đối thoại bí mật của xã A",
        evidence=[pdf],
    )
    model = SkilfulMobilisationModel.objects.create(
        name="Mô hình của xã A", organization=front_a, commune=front_a.unit, year=2026, field="economy",
        description="x", created_by=officer_a,
    )  # fmt: skip
    campaign = Campaign.objects.create(
        name="Tháng nghe dân nói xã A", organization=front_a, unit=front_a.unit,
        starts_on=datetime.date(2026, 4, 1), ends_on=datetime.date(2026, 4, 30),
    )  # fmt: skip
    return {
        "activity": activity,
        "evidence": EvidenceFile.objects.get(activity=activity),
        "model": model,
        "campaign": campaign,
    }


def test_officer_of_another_commune_is_refused_every_record(client, records_of_a, officer_b, front_a):
    client.force_login(officer_b)
    r = records_of_a
    milestone = Milestone.objects.first()
    refused = {
        f"/chuong-trinh/hoat-dong/{r['activity'].id}/": 404,
        f"/chuong-trinh/minh-chung/{r['evidence'].id}/": 404,
        f"/dan-van-kheo/{r['model'].id}/": 404,
        f"/chuong-trinh/moc/{milestone.id}/hoan-thanh/": 403,
        f"/api/v1/activities/{r['activity'].id}/": 404,
        f"/api/v1/programme-campaigns/{r['campaign'].id}/": 404,
    }
    for url, status in refused.items():
        assert client.get(url).status_code == status, url

    posts = {
        f"/chuong-trinh/moc/{milestone.id}/hoan-thanh/": ({"done_on": "2026-01-01", "evidence_note": "x"}, 403),
        "/chuong-trinh/2/hoat-dong/moi/": (
            {"kind": "dialogue", "held_on": "2026-03-01", "organization": front_a.id, "participants": 1,
             "session_count": 1, "description": "x"},
            400,  # the organisation is not among the choices: a form error, nothing recorded
        ),
    }  # fmt: skip
    for url, (data, status) in posts.items():
        assert client.post(url, data).status_code == status, url
    api_posts = {
        f"/api/v1/milestones/{milestone.id}/complete/": {"done_on": "2026-01-01", "evidence_note": "x"},
        "/api/v1/activities/record/": {
            "programme": 2, "kind": "dialogue", "held_on": "2026-03-01", "organization": front_a.id,
            "description": "x",
        },
    }  # fmt: skip
    for url, data in api_posts.items():
        assert client.post(url, data, content_type="application/json").status_code == 403, url


def test_lists_of_another_commune_show_nothing(client, records_of_a, officer_b):
    client.force_login(officer_b)

    assert client.get("/api/v1/activities/").json()["results"] == []
    assert client.get("/api/v1/programme-campaigns/").json()["results"] == []
    assert "Đối thoại bí mật" not in client.get("/chuong-trinh/2/").content.decode()
    assert "Mô hình của xã A" not in client.get("/dan-van-kheo/").content.decode()
    assert "Tháng nghe dân nói xã A" not in client.get("/chuong-trinh/thang-nghe-dan-noi/?nam=2026").content.decode()


def test_the_owner_and_the_province_see_them(client, records_of_a, officer_a, province_officer):
    for user in (officer_a, province_officer):
        client.force_login(user)
        assert client.get(f"/chuong-trinh/hoat-dong/{records_of_a['activity'].id}/").status_code == 200
        download = client.get(f"/chuong-trinh/minh-chung/{records_of_a['evidence'].id}/")
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == PDF_BYTES
        assert download["Content-Type"] == "application/pdf"


@pytest.mark.parametrize(
    "url",
    [
        "/chuong-trinh/",
        "/chuong-trinh/2/",
        "/chuong-trinh/2/hoat-dong/moi/",
        "/dan-van-kheo/",
        "/dan-van-kheo/moi/",
        "/chuong-trinh/thang-nghe-dan-noi/",
        "/api/v1/programmes/",
        "/api/v1/milestones/",
        "/api/v1/activities/",
        "/api/v1/programme-campaigns/",
    ],
)
def test_agency_officers_and_anonymous_visitors_are_refused(client, programmes, agency_officer_a, url):
    anonymous = client.get(url)
    assert anonymous.status_code in (302, 401, 403)
    client.force_login(agency_officer_a)
    assert client.get(url).status_code == 403
