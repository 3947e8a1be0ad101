"""The citizen's rights over their data (Law 91/2025, Decree 356/2025): download, withdraw consent, ask for
erasure with the code and the secret; the Front's register with a due date in 2 working days and one action;
the administrator's search by phone or email. Each step is logged."""

import json
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from feedback.models import (
    DataRequestStatus,
    DataSubjectRequest,
    EventKind,
    ItemEvent,
    Notification,
    NotificationStatus,
    PersonalDataAccess,
)
from feedback.services.intake import item_submit
from organizations.models import SecurityEvent, SecurityEventKind

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def mine(citizen_submission, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        result = item_submit(**citizen_submission, consent_publish=True)
    return result.item, result.secret


def post(client, url, item, secret, **extra):
    return client.post(url, {"code": item.tracking_code, "secret": secret, **extra})


@pytest.mark.django_db
def test_the_lookup_page_offers_the_rights_only_with_the_secret(client, mine):
    item, secret = mine
    with_secret = client.post("/tra-cuu/", {"code": item.tracking_code, "secret": secret}).content.decode()
    with_digits = client.post("/tra-cuu/", {"code": item.tracking_code, "phone_digits": "5678"}).content.decode()

    assert 'id="data-rights"' in with_secret
    assert 'id="data-rights"' not in with_digits


@pytest.mark.django_db
def test_the_citizen_downloads_everything_held_about_their_item(client, mine):
    item, secret = mine
    response = post(client, "/tra-cuu/du-lieu-cua-toi/", item, secret)

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="du-lieu-{item.tracking_code}.json"'
    data = json.loads(response.content)
    assert data["submitter"] == {
        "anonymous": False,
        "name": "Lò Văn Páo",
        "phone": "+84912345678",
        "email": "pao@example.org",
        "address": "",
    }
    assert data["consents"]["publish"] is True
    assert data["consents"]["contact"] is True
    assert data["item"]["content"].startswith("Sau mưa lớn")
    assert data["history"][0]["kind"] == "submitted"
    assert {m["channel"] for m in data["messages_to_you"]} >= {"email"}
    # The request is in the register (done at once), in the item's history and in the security log.
    row = DataSubjectRequest.objects.get(item=item)
    assert (row.kind, row.status) == ("access", DataRequestStatus.DONE)
    assert ItemEvent.objects.filter(item=item, kind=EventKind.DATA_REQUEST).exists()
    logged = SecurityEvent.objects.get(kind=SecurityEventKind.DATA_SUBJECT_REQUEST)
    assert logged.object_id == str(item.pk)
    assert "Páo" not in str(logged.detail)


@pytest.mark.django_db
def test_a_wrong_secret_or_only_the_phone_digits_get_nothing(client, mine):
    item, _secret = mine
    assert post(client, "/tra-cuu/du-lieu-cua-toi/", item, "AAAAAA").status_code == 404
    digits = client.post("/tra-cuu/du-lieu-cua-toi/", {"code": item.tracking_code, "phone_digits": "5678"})
    assert digits.status_code == 400
    assert not DataSubjectRequest.objects.exists()


@pytest.mark.django_db
def test_withdrawing_consent_takes_effect_at_once(client, mine):
    item, secret = mine
    waiting = Notification.objects.create(
        key="later-sms", template="item_answered", channel="sms", recipient_address="+84912345678", item=item
    )

    post(client, "/tra-cuu/rut-dong-y/", item, secret, consent="publish")
    response = post(client, "/tra-cuu/rut-dong-y/", item, secret, consent="contact")

    assert response.status_code == 200
    item.refresh_from_db()
    waiting.refresh_from_db()
    assert (item.consent_publish, item.consent_contact) == (False, False)
    assert waiting.status == NotificationStatus.CANCELLED
    assert sorted(DataSubjectRequest.objects.values_list("kind", flat=True)) == ["withdraw_contact", "withdraw_publish"]
    # Asking again changes nothing and files nothing.
    post(client, "/tra-cuu/rut-dong-y/", item, secret, consent="contact")
    assert DataSubjectRequest.objects.count() == 2


@pytest.mark.django_db
def test_an_erasure_request_is_due_in_2_working_days_and_the_front_handles_it_with_one_action(
    client, mine, officer_a, officer_b
):
    item, secret = mine
    # Friday 2026-04-24: the next two working days skip the weekend and Hùng Kings' day (Monday 27/4 off).
    with time_machine.travel(datetime.combine(date(2026, 4, 24), time(9), tzinfo=TZ), tick=False):
        post(client, "/tra-cuu/yeu-cau-xoa/", item, secret)
        post(client, "/tra-cuu/yeu-cau-xoa/", item, secret)  # asked twice: one request
    row = DataSubjectRequest.objects.get(kind="erasure")
    assert row.status == DataRequestStatus.OPEN
    assert row.due_date == date(2026, 4, 29)  # Tue 28 is the 1st working day, Wed 29 the 2nd

    # An officer of another commune does not see it and cannot handle it.
    client.force_login(officer_b)
    assert item.tracking_code not in client.get("/can-bo/yeu-cau-du-lieu/").content.decode()
    client.post(f"/can-bo/yeu-cau-du-lieu/{row.pk}/xu-ly/")
    row.refresh_from_db()
    assert row.status == DataRequestStatus.OPEN

    # The commune's Front sees it in the register with its due date, and erases with one action.
    client.force_login(officer_a)
    page = client.get("/can-bo/yeu-cau-du-lieu/").content.decode()
    assert item.tracking_code in page
    assert "29/04/2026" in page
    client.post(f"/can-bo/yeu-cau-du-lieu/{row.pk}/xu-ly/")

    row.refresh_from_db()
    item.refresh_from_db()
    assert (row.status, row.handled_by) == (DataRequestStatus.DONE, officer_a)
    assert (item.submitter_name, item.submitter_phone, item.content) == ("", "", "")
    assert item.anonymized_at is not None
    assert item.status == "received"
    assert SecurityEvent.objects.filter(
        kind=SecurityEventKind.DATA_SUBJECT_REQUEST, actor_id=officer_a.pk, detail__status="done"
    ).exists()


@pytest.mark.django_db
def test_the_administrator_finds_every_item_of_a_person_by_phone_or_email(client, mine, citizen_submission, admin_user):
    item, _secret = mine
    other = item_submit(**{**citizen_submission, "submitter_phone": "0987 654 321", "submitter_email": ""}).item
    client.force_login(admin_user)

    by_phone = client.post("/can-bo/tim-theo-nguoi/", {"phone": "0912.345.678"}).content.decode()
    by_email = client.post("/can-bo/tim-theo-nguoi/", {"email": "PAO@example.org"}).content.decode()

    assert item.tracking_code in by_phone
    assert other.tracking_code not in by_phone
    assert item.tracking_code in by_email
    assert other.tracking_code not in by_email
    assert PersonalDataAccess.objects.filter(user=admin_user, item=item, detail="search by phone or email").count() == 2


@pytest.mark.django_db
def test_officers_cannot_search_by_person(client, officer_a):
    client.force_login(officer_a)
    assert client.post("/can-bo/tim-theo-nguoi/", {"phone": "0912345678"}).status_code == 403
