"""Liveness, readiness, metrics behind a token, and the request id carried from a request into its tasks."""

import json
import uuid
from datetime import timedelta

import pytest
import redis
from django.conf import settings as django_settings
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from feedback.models import Item, Notification, NotificationChannel
from feedback.services.intake import item_submit
from feedback.services.notifications import sweeping

# Readiness checks run on executor threads (their own connections): what the test writes must be committed.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def with_broker(settings):
    """Readiness as in production: tasks go to the broker (the real Redis of the test run)."""
    from mttq_portal.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER = False
    yield
    app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER = previous


def beat_ran(seconds_ago: int) -> None:
    every, _ = IntervalSchedule.objects.get_or_create(every=30, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.update_or_create(
        name="notifications-sweep",
        defaults={
            "task": "feedback.notifications_sweep",
            "interval": every,
            "last_run_at": timezone.now() - timedelta(seconds=seconds_ago),
        },
    )


def test_liveness_is_cheap_and_answers_ok(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readiness_is_ok_when_database_cache_broker_migrations_beat_and_outbox_are_well(client, with_broker):
    beat_ran(seconds_ago=40)

    response = client.get("/readyz", HTTP_ACCEPT="application/json")

    assert response.status_code == 200, response.content
    assert set(response.json().values()) == {"OK"}
    assert len(response.json()) == 6


def test_readiness_fails_when_beat_has_not_run_the_sweep_for_ten_minutes(client, with_broker):
    beat_ran(seconds_ago=11 * 60)

    response = client.get("/readyz", HTTP_ACCEPT="application/json")

    assert (response.status_code, response["Retry-After"]) == (503, "30")
    assert any("beat has not run" in v for v in response.json().values())


def test_readiness_fails_when_a_due_notification_waited_more_than_fifteen_minutes(client, with_broker, officer_a):
    beat_ran(seconds_ago=10)
    row = Notification.objects.create(
        key="t:1", template="digest", channel=NotificationChannel.EMAIL, recipient_user=officer_a
    )
    Notification.objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(minutes=16))

    response = client.get("/readyz", HTTP_ACCEPT="application/json")

    assert (response.status_code, response["Retry-After"]) == (503, "30")
    assert any("oldest due notification" in v for v in response.json().values())


def test_readiness_and_metrics_show_a_submission_that_beats_planner_left_waiting(
    client, with_broker, citizen_submission, settings
):
    # given beat sent the sweep recently, and two submissions no planner has planned (served with a worker)
    beat_ran(seconds_ago=10)
    settings.METRICS_TOKEN = "metrics-secret-123"
    recent = item_submit(**citizen_submission).item
    stuck = item_submit(**{**citizen_submission, "title": "Chưa được lập kế hoạch"}).item
    assert Item.objects.filter(pk__in=[recent.pk, stuck.pk], acknowledged_at__isnull=True).count() == 2

    # when the older one has waited 16 minutes (beyond the 15 of READINESS_OUTBOX_MAX_AGE_SECONDS)
    Item.objects.filter(pk=stuck.pk).update(received_at=timezone.now() - timedelta(minutes=16))
    response = client.get("/readyz", HTTP_ACCEPT="application/json")
    metrics = client.get("/metrics", HTTP_AUTHORIZATION="Bearer metrics-secret-123").content.decode()

    # then the instance is not ready, saying why, and the metric shows the wait
    assert (response.status_code, response["Retry-After"]) == (503, "30")
    assert any("waits to be planned for 96" in v for v in response.json().values())
    age = next(line for line in metrics.splitlines() if line.startswith("mttq_submissions_unplanned_oldest_age"))
    assert 960 <= float(age.split()[-1]) < 1000

    # and once the planner has run, both are planned and the instance is ready again
    assert sweeping.submissions_plan() == 2
    assert client.get("/readyz", HTTP_ACCEPT="application/json").status_code == 200


def test_readiness_says_when_beat_has_never_run_the_sweep(client, with_broker):
    # given a new installation: beat's scheduler has not yet written a run down (and a task that never ran,
    # whose NULL PostgreSQL sorts first in descending order, sits beside one that did)
    every, _ = IntervalSchedule.objects.get_or_create(every=30, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(name="sweep, never run", task="feedback.notifications_sweep", interval=every)

    never = client.get("/readyz", HTTP_ACCEPT="application/json")
    beat_ran(seconds_ago=20)
    since = client.get("/readyz", HTTP_ACCEPT="application/json")

    assert never.status_code == 503
    assert "Unavailable: beat has not run the sweep yet" in never.json().values()
    assert since.status_code == 200, since.content


def test_the_web_stays_ready_for_traffic_while_beat_is_stopped_and_the_broker_unreachable(client, with_broker):
    from mttq_portal.celery import app

    beat_ran(seconds_ago=11 * 60)
    previous = app.conf.broker_url
    app.conf.broker_url, app._pool, app.amqp._producer_pool = "redis://127.0.0.1:1/0", None, None
    try:
        everything = client.get("/readyz", HTTP_ACCEPT="application/json")
        web = client.get("/readyz/web", HTTP_ACCEPT="application/json")
    finally:
        app.conf.broker_url, app._pool, app.amqp._producer_pool = previous, None, None

    assert everything.status_code == 503
    assert (web.status_code, web.json()) == (200, {"Migrations()": "OK"})


def test_the_web_is_not_ready_before_its_release_is_migrated(client, monkeypatch):
    from django.db import connection

    from mttq_portal import health

    # given the database one migration behind the code (the row of the last one removed, put back after)
    monkeypatch.setattr(health, "_migrations_applied", False)
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM django_migrations WHERE id = (SELECT max(id) FROM django_migrations WHERE app = 'feedback')"
            " RETURNING app, name, applied"
        )
        removed = cursor.fetchone()
    try:
        behind = client.get("/readyz/web", HTTP_ACCEPT="application/json")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO django_migrations (app, name, applied) VALUES (%s, %s, %s)", removed)
    migrated = client.get("/readyz/web", HTTP_ACCEPT="application/json")

    assert (behind.status_code, behind["Retry-After"]) == (503, "30")
    assert behind.json() == {"Migrations()": "Unavailable: unapplied migrations"}
    assert migrated.status_code == 200


def test_readiness_fails_when_the_broker_is_unreachable(client, with_broker, settings):
    from mttq_portal.celery import app

    beat_ran(seconds_ago=10)
    previous = app.conf.broker_url
    app.conf.broker_url, app._pool, app.amqp._producer_pool = "redis://127.0.0.1:1/0", None, None
    try:
        response = client.get("/readyz", HTTP_ACCEPT="application/json")
    finally:
        app.conf.broker_url, app._pool, app.amqp._producer_pool = previous, None, None

    assert (response.status_code, response["Retry-After"]) == (503, "30")
    assert any("broker unreachable" in v for v in response.json().values())


def test_metrics_are_hidden_without_the_token_and_count_requests_outbox_and_overdue_with_it(
    client, settings, officer_a
):
    settings.METRICS_TOKEN = "metrics-secret-123"
    Notification.objects.create(
        key="t:2", template="digest", channel=NotificationChannel.EMAIL, recipient_user=officer_a
    )
    client.get("/healthz")

    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer metrics-secret-123")

    assert response.status_code == 200
    body = response.content.decode()
    assert "django_http_requests_total_by_view_transport_method_total" in body
    assert "mttq_outbox_pending 1.0" in body
    assert "mttq_outbox_oldest_age_seconds" in body
    assert "mttq_items_overdue" in body


def test_the_request_id_comes_back_and_travels_in_the_header_of_the_tasks_the_request_enqueues(
    client, with_broker, submit_kwargs, django_capture_on_commit_callbacks, settings
):
    from mttq_portal.celery import app

    # given tasks go to a queue of our own on the real Redis, with no worker consuming it, and submissions
    # planned in the request (the setting's other value; by default beat's planner plans them, ADR 0174),
    # so that the request enqueues the deliveries
    settings.NOTIFICATIONS_PLAN_SUBMISSIONS_IN_WORKER = False
    queue = f"test-rid-{uuid.uuid4().hex[:8]}"
    previous = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    request_id = "req-" + uuid.uuid4().hex[:12]
    payload = {
        "type": "report",
        "category": submit_kwargs["category_id"],
        "commune": submit_kwargs["commune_id"],
        "title": "Rác thải đổ trộm bên suối",
        "content": "Có người đổ rác xuống suối vào ban đêm.",
        "consent_processing": True,
        "submitter_email": "dan@example.org",
        "consent_contact": True,
    }
    try:
        # when a client submits with its own request id
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/api/v1/public/items/", payload, content_type="application/json", HTTP_X_REQUEST_ID=request_id
            )
    finally:
        app.conf.task_default_queue = previous

    # then the response carries it, and so does every task message the submission queued
    assert response.status_code == 201, response.content
    assert response["X-Request-ID"] == request_id
    broker = redis.Redis.from_url(django_settings.CELERY_BROKER_URL)
    messages = [json.loads(raw) for raw in broker.lrange(queue, 0, -1)]
    broker.delete(queue)
    assert messages
    assert {m["headers"]["request_id"] for m in messages} == {request_id}


def test_celerys_routine_lines_about_the_planner_are_dropped_and_everything_else_is_kept():
    import logging

    from mttq_portal.observability import RoutineTicksFilter

    def record(logger: str, level: int, message: str, *args) -> logging.LogRecord:
        return logging.LogRecord(logger, level, __file__, 1, message, args, None)

    routine = RoutineTicksFilter()
    planner, sweep = "feedback.submissions_plan", "feedback.notifications_sweep"
    dropped = [
        record("celery.beat", logging.INFO, "Scheduler: Sending due task %s (%s)", "plan-submissions", planner),
        record("celery.worker.strategy", logging.INFO, "Task %s[%s] received", planner, "abc"),
        record("celery.app.trace", logging.INFO, "Task %(name)s[%(id)s] succeeded in %(runtime)ss: %(return_value)s",
               {"name": planner, "id": "abc", "runtime": 0.005, "return_value": 0}),
    ]  # fmt: skip
    kept = [
        record("celery.app.trace", logging.ERROR, "Task %s[%s] raised unexpected: %r", planner, "abc", "boom"),
        record("celery.worker.strategy", logging.INFO, "Task %s[%s] received", sweep, "abc"),
        record("feedback.services.notifications.sweeping", logging.INFO, "Planned the notifications of %s", 3),
    ]
    assert [routine.filter(r) for r in dropped] == [False, False, False]
    assert [routine.filter(r) for r in kept] == [True, True, True]
