"""Queuing: hand the pending rows to the workers; never block a request for long, never lose a row.

The services publish task messages by the task's registered name (``publish``) and never import
``feedback.tasks``: the tasks call the services, and the import points one way (docs/adr/0152). The names
below are the ones ``feedback/tasks.py`` registers its tasks under, and the routes in the settings use.
"""

import logging
from collections.abc import Sequence

from django.db import connection
from django.utils import timezone

from mttq_portal.celery import app

from ...models import Notification, NotificationChannel, NotificationStatus

logger = logging.getLogger(__name__)

PLAN_SUBMISSIONS_TASK = "feedback.submissions_plan"
# Sent per submission before ADR 0174; the task stays registered for messages queued before an upgrade.
PLAN_SUBMISSION_TASK = "feedback.item_submitted_plan"
DELIVER_TASK = "feedback.notification_deliver"
DELIVER_BATCH_TASK = "feedback.notifications_deliver_batch"
FAN_OUT_TASK = "feedback.notifications_fan_out"
SWEEP_TASK = "feedback.notifications_sweep"

QUEUE_BATCH = 200


def publish(task_name: str, *args: object, countdown: int | None = None) -> None:
    """Send one task message by name; raises what the broker raises.

    A task registered in this process (``FeedbackConfig.ready`` imports the tasks) is sent through its own
    ``apply_async``, so its options apply and ``CELERY_TASK_ALWAYS_EAGER`` runs it inline; a name this process
    does not know goes to the broker as it is (``send_task``), which is all a worker needs."""
    app.signature(task_name, args=args).apply_async(countdown=countdown)


def notifications_queue(ids: Sequence[int], *, countdown: int | None = None) -> bool:
    """Hand delivery tasks to the broker; True when all were queued.

    A broker failure is logged and swallowed: the rows stay ``pending`` with no ``queued_at`` and the sweeper
    queues them when the broker is back. The broker timeouts are short (settings), and after the first
    failure the rest is not tried, so a request waits at most one timeout.
    """
    ids = list(ids)
    queued: list[int] = []
    complete = True
    for start in range(0, len(ids), QUEUE_BATCH):
        chunk = ids[start : start + QUEUE_BATCH]
        try:
            if len(chunk) == 1:
                publish(DELIVER_TASK, chunk[0], countdown=countdown)
            else:
                publish(DELIVER_BATCH_TASK, chunk, countdown=countdown)
        except Exception as exc:  # kombu raises several types (OperationalError, ConnectionError, timeouts)
            logger.warning("Could not queue %s notifications (%s); the sweeper will queue them", len(ids) - start, exc)
            complete = False
            break
        queued.extend(chunk)
    if queued:
        # One statement however many were queued (a deadline chase may queue a hundred thousand).
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE feedback_notification SET queued_at = %s, claimed_at = NULL"
                " WHERE id = ANY(%s) AND status = 'pending'",
                [timezone.now(), queued],
            )
    return complete


def notifications_fan_out_queue(ranges: Sequence[tuple[int, int]]) -> bool:
    """Queue one task per id range (bulk decisions); the worker queues the deliveries. On a broker failure
    the rows stay pending and the sweeper queues them."""
    try:
        for first_id, last_id in ranges:
            publish(FAN_OUT_TASK, first_id, last_id)
    except Exception as exc:
        logger.warning("Could not queue the fan-out of %s ranges (%s); the sweeper will queue them", len(ranges), exc)
        return False
    return True


def notifications_fan_out(*, first_id: int, last_id: int, chunk: int = 10_000) -> int:
    """Queue delivery of the pending email and SMS rows with ids in [first_id, last_id], a chunk at a time."""
    queued, after = 0, first_id - 1
    while True:
        ids = list(
            Notification.objects.filter(id__gt=after, id__lte=last_id, status=NotificationStatus.PENDING)
            .exclude(channel=NotificationChannel.IN_APP)
            .order_by("id")
            .values_list("id", flat=True)[:chunk]
        )
        if not ids:
            return queued
        if not notifications_queue(ids):
            return queued
        queued += len(ids)
        after = ids[-1]
