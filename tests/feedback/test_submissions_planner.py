"""Beat's submissions planner (ADR 0174): a request served with a worker only stores the item; the planner,
run every NOTIFICATIONS_PLAN_SECONDS, tells the commune's Front and acknowledges the citizen, once, even when
two planners run at the same time, and leaves alone the items older than its window."""

import runpy
import threading
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.db import connection
from django.utils import timezone

from feedback.models import Item, Notification, NotificationChannel, NotificationStatus
from feedback.services.intake import item_submit
from feedback.services.notifications import sweeping
from mttq_portal.celery import app

URL = "/api/v1/public/items/"
CITIZEN_EMAIL, CITIZEN_SMS = "pao@example.org", "+84912345678"


@pytest.fixture
def served_with_a_worker(settings, monkeypatch):
    """Requests as a web process with a worker serves them: submissions are left to beat's planner, and every
    message the process would send to the broker is recorded here instead of being sent."""
    settings.NOTIFICATIONS_PLAN_SUBMISSIONS_IN_WORKER = True
    sent: list[str] = []
    monkeypatch.setattr(app, "send_task", lambda name, *args, **kwargs: sent.append(name))

    class Worker:
        messages = sent

        @staticmethod
        def serving():
            return _eager_off()

    return Worker


@contextmanager
def _eager_off():
    """``on_item_submitted`` plans inline when Celery runs tasks eagerly: turn that off around a request only."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield
    finally:
        app.conf.task_always_eager = previous


def _expected_keys(item: Item, officer_id: int) -> set[tuple[str, str, int | None, str]]:
    """Hand-counted from the fixtures: commune A's one Front officer (in-app and email) is told of the item;
    the citizen, who agreed to be contacted, gets the acknowledgement by email and by SMS. The agency officer
    of commune A is told nothing yet (nothing was forwarded)."""
    return {
        ("item_received", NotificationChannel.IN_APP, officer_id, ""),
        ("item_received", NotificationChannel.EMAIL, officer_id, ""),
        ("acknowledgement", NotificationChannel.EMAIL, None, CITIZEN_EMAIL),
        ("acknowledgement", NotificationChannel.SMS, None, CITIZEN_SMS),
    }


def _rows(item: Item) -> list[tuple[str, str, int | None, str]]:
    return sorted(
        (
            (n.template, n.channel, n.recipient_user_id, n.recipient_address or "")
            for n in Notification.objects.filter(item=item)
        ),
        key=repr,
    )


@pytest.mark.django_db
def test_a_public_api_submission_served_with_a_worker_is_only_stored_and_the_planner_plans_it(
    client, citizen_submission, officer_a, agency_officer_a, served_with_a_worker, django_capture_on_commit_callbacks
):
    # given a citizen of commune A who agreed to be contacted, submitting through the public API
    payload = {
        "type": citizen_submission["type"],
        "category": citizen_submission["category_id"],
        "commune": citizen_submission["commune_id"],
        "title": citizen_submission["title"],
        "content": citizen_submission["content"],
        "consent_processing": True,
        "consent_contact": True,
        "submitter_name": citizen_submission["submitter_name"],
        "submitter_email": citizen_submission["submitter_email"],
        "submitter_phone": citizen_submission["submitter_phone"],
    }

    # when the request is served by a web process with a worker (its after-commit work runs)
    with served_with_a_worker.serving(), django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(URL, payload, content_type="application/json")

    # then the item is stored, and nothing else: no outbox row, no broker message, not yet acknowledged
    assert response.status_code == 201, response.content
    assert callbacks  # the after-commit hooks did run
    item = Item.objects.get(tracking_code=response.json()["tracking_code"])
    assert item.acknowledged_at is None
    assert not Notification.objects.exists()
    assert served_with_a_worker.messages == []
    assert mail.outbox == []

    # when beat's planner runs (tasks inline, as in the other unit tests)
    planned = sweeping.submissions_plan()

    # then it planned this item: the Front officer's notices and the citizen's acknowledgement, delivered once
    assert planned == 1
    assert _rows(item) == sorted(_expected_keys(item, officer_a.id), key=repr)
    assert not Notification.objects.filter(recipient_user=agency_officer_a).exists()
    assert not Notification.objects.filter(item=item).exclude(status=NotificationStatus.SENT).exists()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([officer_a.email, CITIZEN_EMAIL])
    item.refresh_from_db()
    assert item.acknowledged_at is not None
    # and a second run plans nothing more
    assert sweeping.submissions_plan() == 0
    assert len(_rows(item)) == 4


@pytest.mark.django_db(transaction=True)
def test_two_planners_running_at_once_plan_every_item_exactly_once(
    citizen_submission, officer_a, served_with_a_worker, sms_outbox
):
    # given 40 submissions stored by requests served with a worker: nothing planned yet
    with served_with_a_worker.serving():
        items = [item_submit(**{**citizen_submission, "title": f"Kiến nghị số {i}"}).item for i in range(40)]
    assert served_with_a_worker.messages == []
    assert not Notification.objects.exists()
    assert Item.objects.filter(acknowledged_at__isnull=True).count() == 40

    # when two planners run at the same time (a slow run and the next tick), each with its own connection
    barrier = threading.Barrier(2)
    returned: list[int] = []
    failures: list[BaseException] = []

    def planner() -> None:
        try:
            barrier.wait()
            returned.append(sweeping.submissions_plan())
        except BaseException as exc:  # reported below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=planner) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)

    # then both finished, and between them they went over every item
    assert failures == []
    assert len(returned) == 2
    assert sum(returned) >= 40
    # and every item has its four rows, once each (no duplicate row for any item), all delivered, and is acknowledged
    for item in items:
        rows = _rows(item)
        assert len(rows) == len(set(rows)) == 4, item.id
        assert set(rows) == _expected_keys(item, officer_a.id)
        keys = list(Notification.objects.filter(item=item).values_list("key", flat=True))
        assert len(keys) == len(set(keys)) == 4
    assert Notification.objects.count() == 160
    assert not Notification.objects.exclude(status=NotificationStatus.SENT).exists()
    assert not Notification.objects.exclude(attempts__lte=1).exists()
    assert not Item.objects.filter(acknowledged_at__isnull=True).exists()
    # and each citizen's acknowledgement and each officer's email was sent once
    acknowledgements = sorted(m.subject for m in mail.outbox if m.to == [CITIZEN_EMAIL])
    assert len(acknowledgements) == 40
    for item in items:
        assert len([s for s in acknowledgements if item.tracking_code in s]) == 1, item.tracking_code
    assert len([m for m in mail.outbox if m.to == [officer_a.email]]) == 40
    assert len(sms_outbox) == 40


@pytest.mark.django_db
def test_an_item_older_than_the_sweep_window_is_not_planned(citizen_submission, served_with_a_worker, settings):
    # given two unplanned submissions, one received just over NOTIFICATIONS_SUBMIT_SWEEP_HOURS ago
    with served_with_a_worker.serving():
        old = item_submit(**{**citizen_submission, "title": "Cũ"}).item
        new = item_submit(**{**citizen_submission, "title": "Mới"}).item
    hours = settings.NOTIFICATIONS_SUBMIT_SWEEP_HOURS
    Item.objects.filter(pk=old.pk).update(received_at=timezone.now() - timedelta(hours=hours, minutes=5))

    # when the planner runs
    planned = sweeping.submissions_plan()

    # then only the recent one is planned; the old one is left as it was
    assert planned == 1
    assert Notification.objects.filter(item=new).count() == 4
    assert not Notification.objects.filter(item=old).exists()
    old.refresh_from_db()
    assert old.acknowledged_at is None
    assert [m for m in mail.outbox if old.tracking_code in m.subject] == []
    # and it stays so on later runs
    assert sweeping.submissions_plan() == 0


def test_beat_runs_the_planner_every_plan_seconds_with_a_registered_task():
    # given the beat schedule of the settings
    entry = django_settings.CELERY_BEAT_SCHEDULE["notifications-plan-submissions"]

    # then it names the planner's task, which the Celery app has registered, every NOTIFICATIONS_PLAN_SECONDS
    assert entry["task"] == "feedback.submissions_plan"
    assert entry["task"] in app.tasks
    assert entry["schedule"] == django_settings.NOTIFICATIONS_PLAN_SECONDS
    # and the app reads the same schedule (the CELERY_ namespace)
    assert app.conf.beat_schedule["notifications-plan-submissions"] == entry


def test_with_split_queues_the_planner_goes_to_the_notifications_queue(monkeypatch):
    # given the base settings as a deployment with the queue split on reads them
    monkeypatch.setenv("CELERY_SPLIT_QUEUES", "true")
    base = runpy.run_path(str(django_settings.BASE_DIR / "mttq_portal" / "settings" / "base.py"))
    assert base["CELERY_SPLIT_QUEUES"] is True

    # when Celery routes the planner's task with those routes
    previous = app.conf.task_routes
    app.conf.task_routes = base["CELERY_TASK_ROUTES"]
    _reroute()
    try:
        route = app.amqp.router.route({}, "feedback.submissions_plan")
        default = app.amqp.router.route({}, "mttq_portal.health.ping")
    finally:
        app.conf.task_routes = previous
        _reroute()

    # then it goes to the notifications queue (and a task without a route to the default one)
    assert route["queue"].name == "notifications"
    assert default["queue"].name == app.conf.task_default_queue


def _reroute() -> None:
    """Celery keeps the routes it read when it first routed a task (a cached router): read them again."""
    app.amqp.flush_routes()
    app.amqp.__dict__.pop("router", None)
