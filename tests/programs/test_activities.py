"""Recording an activity: the service, the page and the API; bad input refused with a Vietnamese message."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from mttq_portal.errors import ApplicationError, NotAllowedError
from programs.models import Activity, ActivityItem, ActivityKind, EvidenceFile, ProgrammeEvent
from programs.services import activity_record
from tests.factories import ResidentialAreaFactory
from tests.programs.conftest import PDF_BYTES

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 3, 10)


def _record(user, programme, organization, **extra):
    values = {
        "user": user,
        "programme_id": programme.id,
        "kind": ActivityKind.PROPAGANDA_SESSION,
        "held_on": DAY,
        "organization_id": organization.id,
        "description": "Tuyên truyền chính sách dân tộc tại bản Co Mận",
        "session_count": 3,
        "participants": 120,
    }
    values.update(extra)
    return activity_record(**values)


def test_officer_records_an_activity_with_evidence_areas_and_items(programmes, officer_a, front_a, pdf):
    # given a commune officer, a residential area of the commune and a PDF
    area = ResidentialAreaFactory(commune=front_a.unit, name="Bản Co Mận")

    # when they record a propaganda session for programme 9
    activity = _record(officer_a, programmes[9], front_a, residential_area_ids=[area.id], evidence=[pdf])

    # then it is stored for the commune, with its evidence under an unguessable name and an event row
    assert activity.commune == front_a.unit
    assert list(activity.residential_areas.all()) == [area]
    evidence = EvidenceFile.objects.get(activity=activity)
    assert evidence.content_type == "application/pdf"
    assert evidence.original_name == "bien-ban.pdf"
    assert "bien-ban" not in evidence.file.name
    assert len(evidence.file.name) > 40
    assert ProgrammeEvent.objects.filter(activity=activity, kind="activity_recorded").count() == 1


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"held_on": datetime.date(2024, 12, 31)}, "date_outside_period"),
        ({"held_on": datetime.date(2031, 1, 1)}, "date_outside_period"),
        ({"held_on": datetime.date(2030, 6, 1)}, "date_in_future"),
        ({"session_count": 0}, "out_of_range"),
        ({"session_count": 501}, "out_of_range"),
        ({"participants": -1}, "out_of_range"),
        ({"participants": 100_001}, "out_of_range"),
        ({"description": "  "}, "description_required"),
        ({"kind": "picnic"}, "unknown_kind"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(programmes, officer_a, front_a, extra, code):
    with pytest.raises(ApplicationError) as refused:
        _record(officer_a, programmes[9], front_a, **extra)

    assert refused.value.code == code
    assert refused.value.message
    assert not Activity.objects.exists()


def test_evidence_of_the_wrong_type_is_refused(programmes, officer_a, front_a, fake_pdf):
    with pytest.raises(ApplicationError) as refused:
        _record(officer_a, programmes[9], front_a, evidence=[fake_pdf])

    assert refused.value.code == "evidence_wrong_type"
    assert "không phải" in refused.value.message or "not an accepted" in refused.value.message
    assert not Activity.objects.exists()


def test_an_organisation_of_another_commune_is_refused(programmes, officer_a, front_b):
    with pytest.raises(NotAllowedError) as refused:
        _record(officer_a, programmes[9], front_b)

    assert refused.value.code == "organization_out_of_scope"


def test_a_residential_area_of_another_commune_is_refused(programmes, officer_a, front_a, commune_b):
    other = ResidentialAreaFactory(commune=commune_b)

    with pytest.raises(ApplicationError) as refused:
        _record(officer_a, programmes[9], front_a, residential_area_ids=[other.id])

    assert refused.value.code == "area_outside_commune"


def test_provincial_officer_records_for_any_organisation(programmes, province_officer, front_b, province_front):
    assert _record(province_officer, programmes[9], front_b).commune == front_b.unit
    assert _record(province_officer, programmes[9], province_front).commune is None


def test_agency_officer_cannot_record(programmes, agency_officer_a, agency_a):
    with pytest.raises(NotAllowedError):
        _record(agency_officer_a, programmes[9], agency_a)


# --- the page -------------------------------------------------------------------------------------------


def test_activity_form_records_and_progress_moves(client, programmes, officer_a, front_a):
    # given programme 9 shows no propaganda sessions for 2026
    client.force_login(officer_a)
    before = client.get("/chuong-trinh/?nam=2026").content.decode()
    assert "Tổ chức 45-90 buổi tuyên truyền: <strong>0</strong>" in before

    # when the officer fills in the form
    response = client.post(
        "/chuong-trinh/9/hoat-dong/moi/",
        {
            "kind": ActivityKind.PROPAGANDA_SESSION,
            "held_on": "2026-03-10",
            "organization": front_a.id,
            "participants": "80",
            "session_count": "5",
            "description": "Tuyên truyền tại bản",
            "evidence": SimpleUploadedFile("anh.pdf", PDF_BYTES),
        },
    )

    # then the activity exists and the programme list counts its 5 sessions
    activity = Activity.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/chuong-trinh/hoat-dong/{activity.id}/"
    after = client.get("/chuong-trinh/?nam=2026").content.decode()
    assert "Tổ chức 45-90 buổi tuyên truyền: <strong>5</strong>" in after
    page = client.get(response["Location"]).content.decode()
    assert "anh.pdf" in page


def test_activity_form_shows_errors_in_vietnamese(client, programmes, officer_a, front_a, fake_pdf):
    client.force_login(officer_a)

    response = client.post(
        "/chuong-trinh/9/hoat-dong/moi/",
        {
            "kind": ActivityKind.PROPAGANDA_SESSION,
            "held_on": "2024-05-01",
            "organization": front_a.id,
            "participants": "10",
            "session_count": "1",
            "description": "Tuyên truyền",
        },
    )

    assert response.status_code == 400
    assert "Ngày phải nằm trong thời kỳ của Nghị quyết" in response.content.decode()
    assert not Activity.objects.exists()


def test_activity_form_offers_only_the_officers_organisations(client, programmes, officer_a, front_a, front_b):
    client.force_login(officer_a)

    html = client.get("/chuong-trinh/9/hoat-dong/moi/").content.decode()

    assert front_a.name in html
    assert front_b.name not in html


def test_activity_form_links_items_by_tracking_code_in_scope_only(client, programmes, officer_a, front_a):
    client.force_login(officer_a)

    response = client.post(
        "/chuong-trinh/2/hoat-dong/moi/",
        {
            "kind": ActivityKind.DIALOGUE,
            "held_on": "2026-03-10",
            "organization": front_a.id,
            "participants": "10",
            "session_count": "1",
            "description": "Đối thoại",
            "tracking_codes": "KHONG-CO-MA",
        },
    )

    assert response.status_code == 400
    assert "KHONG-CO-MA" in response.content.decode()


# --- the API --------------------------------------------------------------------------------------------


def test_api_records_an_activity(client, programmes, officer_a, front_a):
    client.force_login(officer_a)

    response = client.post(
        "/api/v1/activities/record/",
        {
            "programme": 2,
            "kind": "dialogue",
            "held_on": "2026-04-02",
            "organization": front_a.id,
            "participants": 60,
            "description": "Đối thoại giữa Bí thư Đảng ủy xã với Nhân dân",
        },
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["programme"] == 2
    assert body["commune"] == front_a.unit_id
    listed = client.get("/api/v1/activities/?programme=2").json()
    assert [a["id"] for a in listed["results"]] == [body["id"]]


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"held_on": "2031-01-01"}, 400, "date_outside_period"),
        ({"session_count": 9999}, 400, "out_of_range"),
        ({"kind": "picnic"}, 400, "invalid"),
        ({"programme": 14}, 400, "unknown_programme"),
    ],
)
def test_api_refuses_bad_input_with_the_error_shape(client, programmes, officer_a, front_a, payload, status, code):
    client.force_login(officer_a)
    body = {
        "programme": 9,
        "kind": "propaganda_session",
        "held_on": "2026-04-02",
        "organization": front_a.id,
        "description": "Tuyên truyền",
        **payload,
    }

    response = client.post("/api/v1/activities/record/", body, content_type="application/json")

    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]


def test_api_refuses_an_organisation_outside_scope_with_403(client, programmes, officer_a, front_b):
    client.force_login(officer_a)

    response = client.post(
        "/api/v1/activities/record/",
        {"programme": 9, "kind": "dialogue", "held_on": "2026-04-02", "organization": front_b.id, "description": "x"},
        content_type="application/json",
    )

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "organization_out_of_scope"
    assert "phạm vi" in response.json()["error"]["message"]


def test_api_refuses_wrong_evidence_type(client, programmes, officer_a, front_a, fake_pdf):
    client.force_login(officer_a)

    response = client.post(
        "/api/v1/activities/record/",
        {
            "programme": 9,
            "kind": "dialogue",
            "held_on": "2026-04-02",
            "organization": front_a.id,
            "description": "x",
            "evidence": [fake_pdf],
        },
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "evidence_wrong_type"


def test_items_raised_at_an_activity_are_linked(programmes, officer_a, front_a):
    from tests.programs.test_quantities import make_item

    item = make_item(commune=front_a.unit)

    activity = _record(officer_a, programmes[2], front_a, kind=ActivityKind.DIALOGUE, item_ids=[item.id])

    assert list(ActivityItem.objects.filter(activity=activity).values_list("item_id", flat=True)) == [item.id]
