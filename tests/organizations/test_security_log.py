"""The security event log: append-only in the ORM and in PostgreSQL, one event per kind of security event."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.utils import timezone

from organizations.audit import security_event_record, security_events_purge
from organizations.lockout import lockout_lift
from organizations.models import SecurityEvent, SecurityEventKind
from organizations.services import membership_grant, membership_revoke
from organizations.tokens import api_token_issue, api_token_revoke

PASSWORD = "correct horse battery"


@pytest.fixture
def event(db):
    return security_event_record(kind=SecurityEventKind.LOGIN, actor_username="someone")


def test_an_update_by_raw_sql_is_refused_by_the_database(event):
    # Given one event; when any SQL client tries to rewrite it; then PostgreSQL refuses and the row is unchanged.
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE organizations_securityevent SET actor_username = 'nobody' WHERE id = %s", [event.pk])
    assert SecurityEvent.objects.get(pk=event.pk).actor_username == "someone"


def test_a_delete_by_raw_sql_is_refused_by_the_database(event):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM organizations_securityevent WHERE id = %s", [event.pk])
    assert SecurityEvent.objects.filter(pk=event.pk).exists()


def test_the_orm_refuses_updates_and_deletes(event):
    with pytest.raises(TypeError):
        SecurityEvent.objects.filter(pk=event.pk).update(actor_username="x")
    with pytest.raises(TypeError):
        SecurityEvent.objects.filter(pk=event.pk).delete()
    event.actor_username = "x"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()


def test_the_personal_data_access_record_is_append_only_too(db, officer_a):
    from feedback.models import PersonalDataAccess

    row = PersonalDataAccess.objects.create(user=officer_a, action="view")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE feedback_personaldataaccess SET detail = 'x' WHERE id = %s", [row.pk])


def test_retention_removes_only_rows_older_than_the_setting_and_logs_its_run(db, settings):
    settings.SECURITY_LOG_RETENTION_DAYS = 365
    now = timezone.now()
    old = security_event_record(kind=SecurityEventKind.LOGIN, actor_username="old")
    recent = security_event_record(kind=SecurityEventKind.LOGIN, actor_username="recent")
    # Backdate one row the only way possible: as the table owner, with the trigger switched off for this test.
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE organizations_securityevent DISABLE TRIGGER securityevent_append_only")
        cursor.execute(
            "UPDATE organizations_securityevent SET created_at = %s WHERE id = %s", [now - timedelta(days=400), old.pk]
        )
        cursor.execute("ALTER TABLE organizations_securityevent ENABLE TRIGGER securityevent_append_only")

    removed = security_events_purge(now=now)

    assert removed == 1
    assert not SecurityEvent.objects.filter(pk=old.pk).exists()
    assert SecurityEvent.objects.filter(pk=recent.pk).exists()
    run = SecurityEvent.objects.get(kind=SecurityEventKind.RETENTION_RUN)
    assert run.detail["removed"] == 1
    # After the run, the cut-off is gone with the transaction: a DELETE is refused again.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM organizations_securityevent WHERE id = %s", [recent.pk])


def kinds():
    return set(SecurityEvent.objects.values_list("kind", flat=True))


def test_login_logout_and_failure_are_logged_with_the_address(client, officer_a):
    client.post("/accounts/login/", {"username": officer_a.username, "password": "wrong"}, REMOTE_ADDR="203.0.113.7")
    client.post("/accounts/login/", {"username": officer_a.username, "password": PASSWORD}, REMOTE_ADDR="203.0.113.7")
    client.post("/accounts/logout/", REMOTE_ADDR="203.0.113.7")

    failed = SecurityEvent.objects.get(kind=SecurityEventKind.LOGIN_FAILED)
    assert (failed.actor_username, failed.ip_address, failed.actor_id) == (officer_a.username, "203.0.113.7", None)
    login = SecurityEvent.objects.get(kind=SecurityEventKind.LOGIN)
    assert (login.actor_id, login.ip_address) == (officer_a.pk, "203.0.113.7")
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.LOGOUT, actor_id=officer_a.pk).exists()
    # The password never reaches the log.
    assert "wrong" not in str(list(SecurityEvent.objects.values_list("detail", flat=True)))


def test_lock_out_and_its_lifting_are_logged(client, officer_a, admin_user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": officer_a.username, "password": "wrong"})
    assert SecurityEventKind.LOCKED_OUT in kinds()

    lockout_lift(user=officer_a, lifted_by=admin_user)

    lifted = SecurityEvent.objects.get(kind=SecurityEventKind.UNLOCKED)
    assert (lifted.actor_id, lifted.object_id) == (admin_user.pk, str(officer_a.pk))
    response = client.post("/accounts/login/", {"username": officer_a.username, "password": PASSWORD})
    assert response.status_code == 302


def test_token_issue_use_and_revoke_are_logged(client, admin_user, province_front):
    token, key = api_token_issue(organization=province_front, name="Báo cáo", created_by=admin_user)
    client.get("/api/v1/communes/", HTTP_AUTHORIZATION=f"Bearer {key}")
    api_token_revoke(token=token, revoked_by=admin_user)

    rows = {e.kind: e for e in SecurityEvent.objects.filter(object_type="api_token")}
    assert set(rows) == {SecurityEventKind.TOKEN_ISSUED, SecurityEventKind.TOKEN_USED, SecurityEventKind.TOKEN_REVOKED}
    assert rows[SecurityEventKind.TOKEN_ISSUED].actor_id == admin_user.pk
    assert rows[SecurityEventKind.TOKEN_USED].actor_username == f"token:{token.prefix}"


def test_membership_grant_and_revoke_are_logged_once(db, officer_b, front_a, admin_user):
    membership = membership_grant(user=officer_b, organization=front_a, role="front_officer", granted_by=admin_user)
    membership_grant(user=officer_b, organization=front_a, role="front_officer", granted_by=admin_user)  # no-op
    membership_revoke(membership=membership, revoked_by=admin_user)
    membership_revoke(membership=membership, revoked_by=admin_user)  # no-op

    events = list(SecurityEvent.objects.filter(object_type="membership").order_by("id"))
    assert [e.kind for e in events] == [SecurityEventKind.MEMBERSHIP_GRANTED, SecurityEventKind.MEMBERSHIP_REVOKED]
    assert events[0].detail == {"user_id": officer_b.pk, "organization_id": front_a.pk, "role": "front_officer"}


def test_admin_reading_an_item_records_personal_data_access(client, admin_user, officer_a):
    from feedback.models import PersonalDataAccess
    from tests.factories import ItemFactory

    item = ItemFactory(submitter_name="Lò Văn Bình", submitter_phone="0912345678")
    client.force_login(admin_user)

    response = client.get(f"/quan-tri/feedback/item/{item.pk}/change/")

    assert response.status_code == 200
    assert PersonalDataAccess.objects.filter(user=admin_user, item=item, detail="admin").exists()
    read = SecurityEvent.objects.get(kind=SecurityEventKind.PERSONAL_DATA_READ)
    assert (read.actor_id, read.object_id) == (admin_user.pk, str(item.pk))
    # The log names the item, never the person.
    assert "Lò Văn Bình" not in str(read.detail)
    assert "0912345678" not in str(read.detail)


def test_admin_list_filters_and_csv_export(client, admin_user):
    security_event_record(kind=SecurityEventKind.LOGIN, actor_username="alice")
    security_event_record(kind=SecurityEventKind.LOGIN_FAILED, actor_username="bob")
    client.force_login(admin_user)

    page = client.get("/quan-tri/organizations/securityevent/", {"kind__exact": "login_failed"})
    csv_response = client.get("/quan-tri/organizations/securityevent/csv/", {"kind__exact": "login_failed"})

    assert page.status_code == 200
    assert "bob" in page.content.decode()
    rows = list(csv.reader(io.StringIO(b"".join(csv_response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:4] == ["created_at", "kind", "actor_id", "actor_username"]
    assert [(r[1], r[3]) for r in rows[1:]] == [("login_failed", "bob")]
    # Read-only: no add, change or delete for anyone.
    assert client.get("/quan-tri/organizations/securityevent/add/").status_code == 403


def test_officers_cannot_reach_the_log(client, officer_a):
    client.force_login(officer_a)
    assert client.get("/quan-tri/organizations/securityevent/").status_code == 302


def test_an_item_outside_the_scope_is_refused_and_logged(client, officer_b):
    from tests.factories import ItemFactory

    item = ItemFactory()  # in a commune officer B does not work in
    client.force_login(officer_b)

    assert client.get(f"/can-bo/viec/{item.pk}/").status_code in (403, 404)
    refused = SecurityEvent.objects.get(kind=SecurityEventKind.ACCESS_REFUSED)
    assert (refused.actor_id, refused.object_type, refused.object_id) == (officer_b.pk, "item", str(item.pk))


def test_a_forbidden_page_is_logged(client, agency_officer_a):
    client.force_login(agency_officer_a)
    assert client.get("/can-bo/yeu-cau-du-lieu/").status_code == 403
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.ACCESS_REFUSED, actor_id=agency_officer_a.pk).exists()


def test_an_export_of_personal_data_is_one_event_for_many_items(db, officer_a):
    from feedback.models import PersonalDataAccess
    from feedback.services.personal_data import personal_data_access_record
    from tests.factories import ItemFactory

    items = [ItemFactory(), ItemFactory(), ItemFactory(is_anonymous=True, submitter_name="", submitter_phone="")]

    recorded = personal_data_access_record(user=officer_a, items=items, action="export", detail="export #1 items")

    # The anonymous item shows nobody: two items recorded, one event in the security log.
    assert recorded == 2
    assert PersonalDataAccess.objects.filter(user=officer_a, action="export").count() == 2
    export = SecurityEvent.objects.get(kind=SecurityEventKind.EXPORT)
    assert (export.actor_id, export.detail["items"]) == (officer_a.pk, 2)


def test_removing_a_second_factor_leaves_a_row_in_the_security_log(client, admin_user, officer_a):
    # Given an officer with an authenticator, recovery codes and a passkey, and an enrolment never finished
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_otp_webauthn.models import WebAuthnCredential

    totp = TOTPDevice.objects.create(user=officer_a, name="authenticator", confirmed=True)
    pending = TOTPDevice.objects.create(user=officer_a, name="authenticator", confirmed=False)
    codes = StaticDevice.objects.create(user=officer_a, name="recovery", confirmed=True)
    passkey = WebAuthnCredential.objects.create(
        user=officer_a, name="passkey", confirmed=True, credential_id=b"\x01\x02", public_key=b"\x03"
    )
    removed = SecurityEvent.objects.filter(kind=SecurityEventKind.MFA_REMOVED)
    assert not removed.exists()

    # When the administrator deletes the authenticator in the admin site
    client.force_login(admin_user)
    response = client.post(f"/quan-tri/otp_totp/totpdevice/{totp.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=totp.pk).exists()
    # and the rest goes with a bulk delete of the user's devices (the unconfirmed one too)
    TOTPDevice.objects.filter(pk=pending.pk).delete()
    StaticDevice.objects.filter(user=officer_a).delete()
    WebAuthnCredential.objects.filter(user=officer_a).delete()

    # Then one row per factor the officer had, naming it and its owner; none for the enrolment never finished
    assert sorted((e.object_type, e.object_id, e.detail["user_id"]) for e in removed) == sorted(
        [
            ("totp_device", str(totp.pk), officer_a.pk),
            ("recovery_codes", str(codes.pk), officer_a.pk),
            ("passkey", str(passkey.pk), officer_a.pk),
        ]
    )
    # and the row of the factor deleted in the admin site names the administrator who deleted it (and from
    # where); the rows of the deletes made outside any request name nobody
    by_admin = removed.get(object_type="totp_device")
    assert (by_admin.actor_id, by_admin.actor_username) == (admin_user.pk, admin_user.username)
    assert by_admin.ip_address == "127.0.0.1"
    assert {(e.actor_id, e.actor_username) for e in removed.exclude(pk=by_admin.pk)} == {(None, "")}
