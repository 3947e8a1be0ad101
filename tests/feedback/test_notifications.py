"""The notification outbox: who is told about what, once; delivery with retries; nothing lost when the broker
is down; the bell and the list. Tasks run inline here; tests/feedback/test_jobs_end_to_end.py uses a real worker."""

import http.server
import json
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from feedback import tasks
from feedback.models import Item, Notification, NotificationChannel, NotificationStatus
from feedback.services.intake import item_submit
from feedback.services.notifications import delivery, hooks, inbox, planning, queueing, sweeping
from feedback.services.transitions import MoveData, item_move

pytestmark = pytest.mark.django_db


def _submit(kwargs, django_capture_on_commit_callbacks, **extra):
    with django_capture_on_commit_callbacks(execute=True):
        return item_submit(**{**kwargs, **extra}).item


def _rows(item, template):
    return Notification.objects.filter(item=item, template=template)


def test_submission_tells_the_commune_front_and_acknowledges_the_consenting_citizen(
    citizen_submission, officer_a, officer_b, django_capture_on_commit_callbacks, sms_outbox
):
    # given a citizen of commune A who agreed to be contacted; when they submit
    item = _submit(citizen_submission, django_capture_on_commit_callbacks)

    # then commune A's Front officer has an unread in-app notification and an email; B's officer nothing
    received = _rows(item, "item_received")
    assert {(n.channel, n.recipient_user_id) for n in received} == {
        (NotificationChannel.IN_APP, officer_a.id),
        (NotificationChannel.EMAIL, officer_a.id),
    }
    assert inbox.unread_count(user=officer_a) == 1
    assert inbox.unread_count(user=officer_b) == 0
    # and the citizen got the acknowledgement by email (plain text and HTML) and by SMS
    ack = _rows(item, "acknowledgement")
    assert {n.channel for n in ack} == {NotificationChannel.EMAIL, NotificationChannel.SMS}
    assert all(n.status == NotificationStatus.SENT and n.attempts == 1 for n in ack)
    citizen_mail = [m for m in mail.outbox if m.to == ["pao@example.org"]]
    assert len(citizen_mail) == 1
    assert item.tracking_code in citizen_mail[0].subject
    assert "Chúng tôi đã nhận" in citizen_mail[0].subject or "đã tiếp nhận" in citizen_mail[0].body
    assert citizen_mail[0].alternatives[0][1] == "text/html"
    assert [s["to"] for s in sms_outbox] == ["+84912345678"]
    assert sms_outbox[0]["text"].isascii()
    item.refresh_from_db()
    assert item.acknowledged_at is not None


def test_citizen_without_consent_to_contact_is_not_contacted(
    citizen_submission, django_capture_on_commit_callbacks, sms_outbox
):
    item = _submit(citizen_submission, django_capture_on_commit_callbacks, consent_contact=False)

    assert not _rows(item, "acknowledgement").exists()
    assert not [m for m in mail.outbox if m.to == ["pao@example.org"]]
    assert sms_outbox == []


def test_deciding_twice_creates_nothing_the_second_time(citizen_submission, django_capture_on_commit_callbacks):
    item = _submit(citizen_submission, django_capture_on_commit_callbacks)
    before = Notification.objects.count()

    planning.notify_item_submitted(item.id)
    hooks.on_item_submitted(item.id)

    assert Notification.objects.count() == before
    assert len([m for m in mail.outbox if m.to == ["pao@example.org"]]) == 1


def test_forwarding_tells_the_agency_officers(
    citizen_submission, agency_a, agency_officer_a, agency_officer_b, officer_a, django_capture_on_commit_callbacks
):
    item = _submit(citizen_submission, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        item_move(item_id=item.id, move="accept", actor="front", user=officer_a)
        result = item_move(
            item_id=item.id,
            move="forward",
            actor="front",
            user=officer_a,
            data=MoveData(agency_id=agency_a.id, due_date=timezone.localdate() + timedelta(days=15)),
        )

    forwarded = _rows(item, "forwarded")
    assert {n.recipient_user_id for n in forwarded} == {agency_officer_a.id}
    assert all(n.event_id == result.event.id for n in forwarded)
    agency_mail = [m for m in mail.outbox if m.to == [agency_officer_a.email]]
    assert len(agency_mail) == 1
    assert agency_a.name in agency_mail[0].body


def test_answer_tells_the_front_and_dispute_tells_both(
    citizen_submission, agency_a, agency_officer_a, officer_a, django_capture_on_commit_callbacks
):
    item = _submit(citizen_submission, django_capture_on_commit_callbacks)
    due = timezone.localdate() + timedelta(days=15)
    with django_capture_on_commit_callbacks(execute=True):
        item_move(item_id=item.id, move="accept", actor="front", user=officer_a)
        item_move(item_id=item.id, move="forward", actor="front", data=MoveData(agency_id=agency_a.id, due_date=due))
        item_move(item_id=item.id, move="answer", actor="agency", user=agency_officer_a)
        item_move(item_id=item.id, move="resolve", actor="front", user=officer_a)
        item_move(item_id=item.id, move="reopen", actor="citizen")

    assert {n.recipient_user_id for n in _rows(item, "answered")} == {officer_a.id}
    assert {n.recipient_user_id for n in _rows(item, "disputed")} == {officer_a.id, agency_officer_a.id}
    # the citizen is told of the result, with consent
    assert {n.recipient_address for n in _rows(item, "result")} == {"pao@example.org", "+84912345678"}


def test_a_broker_outage_leaves_rows_pending_and_the_sweeper_queues_them(
    citizen_submission, django_capture_on_commit_callbacks, monkeypatch, settings
):
    # given the broker refuses every publish
    def down(*args, **kwargs):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(tasks.notification_deliver, "apply_async", down)
    monkeypatch.setattr(tasks.notifications_deliver_batch, "apply_async", down)

    # when a citizen submits: the submission still succeeds
    item = _submit(citizen_submission, django_capture_on_commit_callbacks)

    pending = Notification.objects.filter(item=item, status=NotificationStatus.PENDING)
    assert pending.count() == 3  # officer email, citizen email, citizen SMS
    assert not pending.filter(queued_at__isnull=False).exists()
    assert mail.outbox == []

    # when the broker is back and the sweeper runs
    monkeypatch.undo()
    result = sweeping.notifications_sweep()

    # then everything is delivered, once
    assert result.queued == 3
    assert not Notification.objects.filter(item=item).exclude(status=NotificationStatus.SENT).exists()
    assert len(mail.outbox) == 2
    assert sweeping.notifications_sweep().queued == 0


def test_the_planner_plans_a_submission_whose_after_commit_work_never_ran_and_only_once(citizen_submission):
    # given a submission whose hooks never ran (a request served with a worker, or a process that died right
    # after commit: on_commit callbacks are not run in this test transaction)
    item = item_submit(**citizen_submission).item
    assert not Notification.objects.filter(item=item).exists()

    # when beat's planner runs, twice
    planned = [sweeping.submissions_plan(), sweeping.submissions_plan()]

    # then it planned the item once: the Front officer's and the citizen's notices, each delivered once
    assert planned == [1, 0]
    assert Notification.objects.filter(item=item, template="acknowledgement").count() == 2
    assert len([m for m in mail.outbox if m.to == ["pao@example.org"]]) == 1
    item.refresh_from_db()
    assert item.acknowledged_at is not None


def test_the_planner_goes_on_past_an_item_whose_planning_fails(citizen_submission, monkeypatch):
    first = item_submit(**{**citizen_submission, "title": "Một"}).item
    second = item_submit(**{**citizen_submission, "title": "Hai"}).item
    real = planning.notify_item_submitted

    def failing_for_first(item_id):
        if item_id == first.id:
            raise RuntimeError("template missing")
        return real(item_id)

    monkeypatch.setattr(sweeping, "notify_item_submitted", failing_for_first)
    assert sweeping.submissions_plan() == 2
    assert not Notification.objects.filter(item=first).exists()
    assert Notification.objects.filter(item=second, template="acknowledgement").exists()

    # and the next run, the fault gone, plans the first
    monkeypatch.setattr(sweeping, "notify_item_submitted", real)
    assert sweeping.submissions_plan() == 1
    assert Notification.objects.filter(item=first, template="acknowledgement").exists()


def test_failed_delivery_is_retried_with_backoff_then_marked_failed(
    citizen_submission, django_capture_on_commit_callbacks, monkeypatch, settings
):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    queued = []
    monkeypatch.setattr(queueing, "notifications_queue", lambda ids, countdown=None: queued.append(countdown))
    monkeypatch.setattr(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        lambda self, messages: (_ for _ in ()).throw(OSError("SMTP unreachable")),
    )
    item = _submit(citizen_submission, django_capture_on_commit_callbacks, submitter_phone="")
    row = Notification.objects.get(item=item, template="acknowledgement")

    outcomes = []
    for _ in range(4):
        Notification.objects.filter(pk=row.pk).update(next_attempt_at=None)
        outcomes.append(delivery.notification_deliver(notification_id=row.pk))

    row.refresh_from_db()
    assert [o for o, _delay in outcomes] == ["retry", "retry", "failed", "skipped"]
    assert [d for _o, d in outcomes[:2]] == [60, 120]
    assert row.status == NotificationStatus.FAILED
    assert row.attempts == 3
    assert "SMTP unreachable" in row.last_error


def test_a_row_is_delivered_once_however_often_its_task_runs(citizen_submission, monkeypatch):
    monkeypatch.setattr(queueing, "notifications_queue", lambda ids, countdown=None: True)
    item = Item.objects.get(pk=item_submit(**{**citizen_submission, "submitter_phone": ""}).item.pk)
    planning.notify_item_submitted(item.id)
    row = Notification.objects.get(item=item, template="acknowledgement")

    tasks.notification_deliver(row.pk)
    tasks.notification_deliver(row.pk)
    tasks.notifications_deliver_batch([row.pk, row.pk])

    assert len([m for m in mail.outbox if m.to == ["pao@example.org"]]) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (NotificationStatus.SENT, 1)


def test_a_claim_left_by_a_dead_worker_is_released_by_the_sweeper(citizen_submission, monkeypatch, settings):
    monkeypatch.setattr(queueing, "notifications_queue", lambda ids, countdown=None: True)
    item = item_submit(**{**citizen_submission, "submitter_phone": ""}).item
    planning.notify_item_submitted(item.id)
    row = Notification.objects.get(item=item, template="acknowledgement")
    old = timezone.now() - timedelta(hours=1)
    Notification.objects.filter(pk=row.pk).update(status=NotificationStatus.SENDING, claimed_at=old, attempts=1)
    monkeypatch.undo()

    result = sweeping.notifications_sweep()

    row.refresh_from_db()
    assert result.reclaimed == 1
    assert (row.status, row.attempts) == (NotificationStatus.SENT, 2)


class _Gateway(http.server.BaseHTTPRequestHandler):
    received: list = []
    answer = 200

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((self.headers["Authorization"], json.loads(body)))
        self.send_response(type(self).answer)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway(settings):
    server = http.server.HTTPServer(("127.0.0.1", 0), _Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Gateway.received, _Gateway.answer = [], 200
    settings.SMS_BACKEND = "feedback.sms.HttpGatewaySmsBackend"
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{server.server_port}/send"
    settings.SMS_GATEWAY_TOKEN = "gateway-token"
    yield _Gateway
    server.shutdown()


def test_sms_through_the_http_gateway(citizen_submission, django_capture_on_commit_callbacks, gateway):
    item = _submit(citizen_submission, django_capture_on_commit_callbacks)

    assert len(gateway.received) == 1
    auth, body = gateway.received[0]
    assert auth == "Bearer gateway-token"
    assert body["to"] == "+84912345678"
    assert item.tracking_code in body["text"]
    assert body["key"].startswith("acknowledgement:")


def test_a_gateway_error_is_recorded_for_a_retry(citizen_submission, django_capture_on_commit_callbacks, gateway):
    gateway.answer = 503

    item = _submit(citizen_submission, django_capture_on_commit_callbacks)

    row = Notification.objects.get(item=item, channel=NotificationChannel.SMS)
    assert row.status == NotificationStatus.PENDING
    assert row.attempts == 1
    assert "503" in row.last_error
    assert row.next_attempt_at > timezone.now()


def test_other_apps_notify_staff_once_per_key(officer_a, django_capture_on_commit_callbacks):
    context = {"subject": "Mốc chương trình sắp đến hạn", "message": "Mốc 'Ban hành Quý I/2026' đến hạn."}
    with django_capture_on_commit_callbacks(execute=True):
        planning.notification_send(key="milestone:7:due", user_ids=[officer_a.id], template="x", context=context)
        planning.notification_send(key="milestone:7:due", user_ids=[officer_a.id], template="x", context=context)

    assert Notification.objects.filter(key__startswith="milestone:7:due").count() == 2  # in-app + email
    assert [m.subject for m in mail.outbox] == ["Mốc chương trình sắp đến hạn"]


# ---- the bell and the list --------------------------------------------------------------------------


def _in_app(user, n):
    Notification.objects.bulk_create(
        Notification(
            key=f"t:{user.id}:{i}",
            template="x",
            channel=NotificationChannel.IN_APP,
            recipient_user=user,
            status=NotificationStatus.SENT,
            context={"subject": f"Thông báo {i}", "message": "Nội dung"},
        )
        for i in range(n)
    )


def test_the_bell_shows_the_unread_count_to_staff(client, officer_a):
    _in_app(officer_a, 3)
    client.force_login(officer_a)

    html = client.get("/").content.decode()

    assert 'hx-get="/thong-bao/chua-doc/"' in html
    assert "data-unread-count>3<" in client.get("/thong-bao/chua-doc/").content.decode()
    client.post("/thong-bao/da-doc/")
    assert "data-unread-count" not in client.get("/thong-bao/chua-doc/").content.decode()


def test_citizens_see_no_bell(client):
    assert "/thong-bao/chua-doc/" not in client.get("/").content.decode()
    assert "data-unread-count" not in client.get("/thong-bao/chua-doc/").content.decode()


def test_the_notification_list_shows_only_my_notifications(client, officer_a, officer_b):
    _in_app(officer_a, 2)
    _in_app(officer_b, 1)
    client.force_login(officer_b)

    response = client.get("/thong-bao/")

    assert response.status_code == 200
    assert response.content.decode().count("Thông báo 0") == 1
    assert "Thông báo 1" not in response.content.decode()


def test_the_notification_list_needs_a_login(client):
    assert client.get("/thong-bao/").status_code == 302


@pytest.mark.parametrize("rows", [1, 50])
def test_notification_list_query_count(client, officer_a, rows, django_assert_max_num_queries):
    _in_app(officer_a, rows)
    client.force_login(officer_a)

    with django_assert_max_num_queries(10):
        response = client.get("/thong-bao/")

    assert response.status_code == 200


def test_extension_request_tells_the_front_and_the_decision_tells_the_agency(
    citizen_submission, agency_a, agency_officer_a, officer_a, django_capture_on_commit_callbacks
):
    from feedback.services import workflow

    item = _submit(citizen_submission, django_capture_on_commit_callbacks, consent_contact=False)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.item_accept_and_forward(user=officer_a, item_id=item.id, agency_id=agency_a.id)
        request = workflow.extension_request(
            user=agency_officer_a, item_id=item.id, reason="Cần khảo sát thực địa", requested_days=10
        )
    assert {n.recipient_user_id for n in _rows(item, "extension_requested")} == {officer_a.id}

    with django_capture_on_commit_callbacks(execute=True):
        workflow.extension_decide(user=officer_a, request_id=request.pk, grant=False, note="Đủ thời gian xử lý")

    assert {n.recipient_user_id for n in _rows(item, "extension_decided")} == {agency_officer_a.id}


def test_escalation_to_the_province_tells_the_provincial_front(
    citizen_submission, officer_a, province_officer, django_capture_on_commit_callbacks
):
    from feedback.services import workflow

    item = _submit(citizen_submission, django_capture_on_commit_callbacks, consent_contact=False)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.item_escalate(user=officer_a, item_id=item.id, reason="Vượt thẩm quyền cấp xã")

    assert {n.recipient_user_id for n in _rows(item, "escalated_to_province")} == {province_officer.id}


def test_administrators_see_delivery_attempts_and_failures_read_only(client, admin_user, officer_a):
    Notification.objects.create(
        key="t:failed",
        template="acknowledgement",
        channel=NotificationChannel.EMAIL,
        recipient_user=officer_a,
        status=NotificationStatus.FAILED,
        attempts=5,
        last_error="SMTPServerDisconnected: Connection unexpectedly closed",
    )
    client.force_login(admin_user)

    html = client.get("/quan-tri/feedback/notification/?status__exact=failed").content.decode()

    assert "SMTPServerDisconnected" in html
    assert client.get("/quan-tri/feedback/notification/add/").status_code == 403
    row = Notification.objects.get(key="t:failed")
    assert client.post(f"/quan-tri/feedback/notification/{row.pk}/delete/").status_code == 403


def test_the_logging_sms_backend_logs_neither_the_number_nor_the_text(caplog, settings):
    from feedback.sms import LoggingSmsBackend

    settings.SMS_ASCII_ONLY = True
    with caplog.at_level("INFO", logger="feedback.sms"):
        LoggingSmsBackend().send(to="+84912345678", text="Mã tra cứu DB-26-NKW, mật khẩu ABC123", key="k1")

    logged = caplog.text
    assert "912345" not in logged
    assert "ABC123" not in logged
    assert "DB-26" not in logged
    assert "***678" in logged
    assert "k1" in logged
