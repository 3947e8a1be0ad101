"""Queues by kind: a real worker that consumes only the notifications queue delivers a citizen's
acknowledgement, while a deadline chase waits in the chase queue for a worker of its own."""

import pytest
import redis
from django.conf import settings as django_settings

from feedback import tasks
from feedback.models import Notification, NotificationStatus
from feedback.services.intake import item_submit
from mttq_portal.celery import app
from tests.feedback.mailfiles import keys
from tests.feedback.test_jobs_end_to_end import wait_for
from tests.feedback.workers import start_worker, stop_worker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROUTES = {
    "feedback.item_submitted_plan": {"queue": "notifications"},
    "feedback.submissions_plan": {"queue": "notifications"},
    "feedback.notification_deliver": {"queue": "notifications"},
    "feedback.notifications_deliver_batch": {"queue": "notifications"},
    "feedback.notifications_sweep": {"queue": "notifications"},
    "feedback.chase_deadlines": {"queue": "chase"},
}


def _reroute() -> None:
    """Celery keeps the routes it read when it first routed a task (a cached router): read them again."""
    app.amqp.flush_routes()
    app.amqp.__dict__.pop("router", None)


def test_a_notifications_worker_delivers_while_the_chase_waits_for_its_own_worker(
    mail_dir, citizen_submission, settings
):
    broker = redis.Redis.from_url(django_settings.CELERY_BROKER_URL)
    broker.delete("notifications", "chase")
    previous = (app.conf.task_always_eager, app.conf.task_routes)
    app.conf.task_always_eager, settings.CELERY_TASK_ALWAYS_EAGER = False, False
    app.conf.task_routes = ROUTES
    _reroute()
    # given a worker started as `make worker-notifications` would start it (the split routes of the settings)
    worker = start_worker("notifications", name="split-notifications", extra_env={"CELERY_SPLIT_QUEUES": "true"})
    try:
        # when a citizen submits, and beat sends the planner and the chase
        item_submit(**{**citizen_submission, "submitter_phone": ""})
        tasks.submissions_plan.apply_async()
        tasks.chase_deadlines.apply_async()

        # then both emails arrive through the notifications queue
        wait_for(lambda: len(keys(mail_dir)) >= 2)
        wait_for(lambda: not Notification.objects.exclude(status=NotificationStatus.SENT).exists())
        # and the chase is still waiting in its own queue, for a chase worker
        assert broker.llen("chase") == 1
        assert broker.llen("notifications") == 0
    finally:
        stop_worker(worker)
        app.conf.task_always_eager, app.conf.task_routes = previous
        _reroute()
        broker.delete("notifications", "chase")
