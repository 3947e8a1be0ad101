"""End to end with a real Celery worker process on the real Redis: what a citizen and officers receive,
and that nothing is lost or sent twice when the broker is down or a worker is killed."""

import contextlib
import time

import pytest
from django.utils import timezone

from feedback import tasks
from feedback.models import Item, Notification, NotificationStatus
from feedback.services.intake import item_submit
from feedback.services.notifications import sweeping
from feedback.services.transitions import MoveData, item_move
from mttq_portal.celery import app
from tests.feedback.mailfiles import keys, read_messages

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def wait_for(predicate, timeout=60.0, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("timed out waiting")


@contextlib.contextmanager
def own_queue(queue: str):
    previous = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager, app.conf.task_default_queue = False, queue
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = previous


@contextlib.contextmanager
def broker_at(url: str):
    """Point this process's Celery producer at another broker URL (a closed port = Redis down)."""
    previous = app.conf.broker_url

    def reset(new):
        app.conf.broker_url = new
        app._pool = None
        app.amqp._producer_pool = None

    reset(url)
    try:
        yield
    finally:
        reset(previous)


def test_submission_acknowledgement_email_is_delivered_by_the_worker(worker, mail_dir, citizen_submission):
    # given a real worker; when a citizen who consented to contact submits, and beat sends the planner
    result = item_submit(**citizen_submission)
    tasks.submissions_plan.apply_async()

    # then the worker writes the acknowledgement email, and the officer's email
    messages = wait_for(lambda: len(read_messages(mail_dir)) >= 2 and read_messages(mail_dir))
    to_citizen = [m for m in messages if m["To"] == "pao@example.org"]
    assert len(to_citizen) == 1
    assert result.item.tracking_code in to_citizen[0]["Subject"]
    assert "Chúng tôi đã nhận được" in to_citizen[0]["Subject"]
    assert {part.get_content_type() for part in to_citizen[0].walk()} >= {"text/plain", "text/html"}
    wait_for(lambda: not Notification.objects.filter(status=NotificationStatus.PENDING).exists())


def test_forwarding_notifies_the_agency_through_the_worker(
    worker, mail_dir, citizen_submission, agency_a, agency_officer_a, officer_a
):
    item = item_submit(**{**citizen_submission, "consent_contact": False}).item
    item_move(item_id=item.id, move="accept", actor="front", user=officer_a)

    item_move(
        item_id=item.id,
        move="forward",
        actor="front",
        user=officer_a,
        data=MoveData(agency_id=agency_a.id, due_date=timezone.localdate() + timezone.timedelta(days=15)),
    )

    messages = wait_for(lambda: [m for m in read_messages(mail_dir) if m["To"] == agency_officer_a.email] or None)
    assert len(messages) == 1
    assert item.tracking_code in messages[0]["Subject"]
    assert "đã được chuyển đến" in messages[0]["Subject"]


def test_redis_down_fifty_submissions_succeed_and_the_planner_sends_fifty_acknowledgements_once_it_is_back(
    worker, mail_dir, citizen_submission
):
    # given the broker is unreachable (a closed port)
    with broker_at("redis://127.0.0.1:1/0"):
        items = [
            item_submit(**{**citizen_submission, "submitter_phone": "", "title": f"Kiến nghị số {i}"}).item
            for i in range(50)
        ]

    # then every submission was stored, nothing was delivered, every item waits to be planned (ADR 0174)
    assert len(items) == 50
    assert read_messages(mail_dir) == []
    assert Item.objects.filter(pk__in=[i.pk for i in items], acknowledged_at__isnull=True).count() == 50

    # when the broker is back and the planner runs (twice: a repeat must not duplicate), then the sweeper
    assert (sweeping.submissions_plan(), sweeping.submissions_plan()) == (50, 0)
    assert sweeping.notifications_sweep().queued == 0

    # then 50 acknowledgements arrive, each once
    wait_for(lambda: len([k for k in keys(mail_dir) if k.startswith("acknowledgement:")]) >= 50)
    wait_for(lambda: not Notification.objects.exclude(status=NotificationStatus.SENT).exists())
    acks = [k for k in keys(mail_dir) if k.startswith("acknowledgement:")]
    assert len(acks) == 50
    assert len(set(acks)) == 50


def test_kill_minus_nine_mid_batch_then_restart_sends_every_notification_exactly_once(
    transactional_db, mail_dir, citizen_submission, settings, tmp_path, monkeypatch
):
    import uuid

    queue = f"test-kill-{uuid.uuid4().hex[:8]}"
    markers = tmp_path / "markers"
    markers.mkdir()
    monkeypatch.setenv("TEST_EMAIL_BACKEND", "tests.feedback.slowmail.SlowFileEmailBackend")
    with own_queue(queue):
        settings.CELERY_TASK_ALWAYS_EAGER = False
        _kill_and_restart(queue, markers, mail_dir, citizen_submission, settings)


def _kill_and_restart(queue, markers, mail_dir, citizen_submission, settings):
    import os
    import signal

    from tests.feedback.workers import start_worker, stop_worker

    # given 30 submissions waiting in the outbox (60 emails: the citizen's and the officer's)
    with broker_at("redis://127.0.0.1:1/0"):
        for i in range(30):
            item_submit(**{**citizen_submission, "submitter_phone": "", "title": f"Kiến nghị số {i}"})
        sweeping.submissions_plan()  # planned; queueing fails, so the rows wait unqueued for the sweeper
    expected = set(
        Notification.objects.filter(channel="email", status=NotificationStatus.PENDING).values_list("key", flat=True)
    )
    assert len(expected) == 60

    first = start_worker(
        queue, name=f"{queue}-1", extra_env={"SLOW_MAIL_MARKERS": str(markers), "SLOW_MAIL_SECONDS": "0.3"}
    )
    try:
        sweeping.notifications_sweep()
        # when the worker is killed while it sends the 10th message of the batch
        wait_for(lambda: len(list(markers.iterdir())) >= 10, interval=0.01)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        stop_worker(first)
    sent_before = keys(mail_dir)
    assert 5 <= len(sent_before) < 60
    assert Notification.objects.filter(status=NotificationStatus.SENDING).count() == 1

    # and a new worker starts, and the sweeper runs (claims of the dead worker are released at once here)
    settings.NOTIFICATIONS_CLAIM_TIMEOUT_SECONDS = 0
    settings.NOTIFICATIONS_REQUEUE_AFTER_SECONDS = 0
    second = start_worker(queue, name=f"{queue}-2")
    try:
        result = sweeping.notifications_sweep()
        assert result.reclaimed == 1
        wait_for(lambda: not Notification.objects.exclude(status=NotificationStatus.SENT).exists())
    finally:
        stop_worker(second)

    # then every notification was sent exactly once
    sent = keys(mail_dir)
    assert sorted(sent) == sorted(expected)


def test_across_tet_2027_the_worker_delivers_reminder_overdue_and_escalation_once_on_the_right_days(
    worker, mail_dir, citizen_submission, agency_a, chase_people
):
    import datetime as dt

    from feedback.services.deadlines import deadlines_chase
    from tests.feedback.test_deadline_chase import EXPECTED, _at, _days, _forwarded_item

    # given an item forwarded to the agency, due Wednesday 3 February 2027 (Tết: Thursday 4 to Wednesday 10)
    item = _forwarded_item(citizen_submission, agency_a)
    # (a row being sent is not pending yet not delivered: wait for both, or its message lands in the chase's days)
    wait_for(lambda: not Notification.objects.filter(status__in=["pending", "sending"]).exists())
    seen = set(keys(mail_dir))
    arrived: dict[str, list[tuple[dt.date, str]]] = {}

    # when beat runs the chase (twice a day) from 25 January to 26 February, and the worker delivers
    for day in _days(dt.date(2027, 1, 25), dt.date(2027, 2, 26)):
        for hour in (8, 14):
            with _at(day, hour):
                deadlines_chase()
        wait_for(lambda: not Notification.objects.filter(status__in=["pending", "sending"]).exists())
        for message in read_messages(mail_dir):
            key = message["X-MTTQ-Notification"]
            if key not in seen:
                seen.add(key)
                arrived.setdefault(key.split(":")[0], []).append((day, message["To"]))

    # then each arrived once, on its working day, to the right people
    p = chase_people
    assert {k: sorted(v) for k, v in arrived.items()} == {
        "due_soon": [(EXPECTED["reminder"], p["agency"].email)],
        "overdue": sorted([(EXPECTED["overdue"], p["agency"].email), (EXPECTED["overdue"], p["front"].email)]),
        "escalated": sorted(
            [(EXPECTED["escalation"], p["superior"].email), (EXPECTED["escalation"], p["province"].email)]
        ),
        "board_overdue": [(EXPECTED["board"], p["board"].email)],
    }
    assert item.tracking_code in next(
        m["Subject"] for m in read_messages(mail_dir) if "escalated" in m["X-MTTQ-Notification"]
    )
