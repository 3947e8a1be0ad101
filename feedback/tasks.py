"""Celery tasks of the feedback app. Each takes ids, calls a service and is safe to run twice.

Reliability comes from the settings (late acknowledgement, re-queue when a worker dies, time limits) and
from the services: a row is claimed with a conditional UPDATE before it is acted on.
"""

from celery import shared_task

from .services.notifications import delivery, planning, queueing, sweeping


# The services publish these by name (services/notifications/queueing.py) and never import this module.
@shared_task(name=queueing.PLAN_SUBMISSIONS_TASK, acks_late=True, ignore_result=True)
def submissions_plan() -> int:
    """Beat, every NOTIFICATIONS_PLAN_SECONDS: who is told about the new submissions (ADR 0174)."""
    return sweeping.submissions_plan()


@shared_task(name=queueing.PLAN_SUBMISSION_TASK, acks_late=True, ignore_result=True)
def item_submitted_plan(item_id: int) -> int:
    """One submission's planning, as requests sent it before ADR 0174: kept so that messages queued before an
    upgrade are still run; safe to run twice (the item is planned once)."""
    ids = planning.notify_item_submitted(item_id)
    queueing.notifications_queue(ids)
    return len(ids)


@shared_task(name=queueing.DELIVER_TASK, acks_late=True, ignore_result=True)
def notification_deliver(notification_id: int) -> str:
    outcomes = delivery.notifications_deliver_many(notification_ids=[notification_id])
    return next(iter(outcomes))


@shared_task(name=queueing.DELIVER_BATCH_TASK, acks_late=True, ignore_result=True)
def notifications_deliver_batch(notification_ids: list[int]) -> dict:
    # The claims of the batch are renewed by the worker's heartbeat while it runs (services/claims.py).
    return delivery.notifications_deliver_many(notification_ids=notification_ids)


@shared_task(name=queueing.FAN_OUT_TASK, acks_late=True, ignore_result=True)
def notifications_fan_out(first_id: int, last_id: int) -> int:
    return queueing.notifications_fan_out(first_id=first_id, last_id=last_id)


@shared_task(name=queueing.SWEEP_TASK, acks_late=True, ignore_result=True)
def notifications_sweep() -> dict:
    result = sweeping.notifications_sweep()
    return {"reclaimed": result.reclaimed, "queued": result.queued}


@shared_task(name="feedback.chase_deadlines", acks_late=True, ignore_result=True)
def chase_deadlines() -> dict:
    from .services.deadlines import deadlines_chase

    result = deadlines_chase()
    return {"day": result.day.isoformat(), "chases": result.chases, "notifications": result.notifications}


@shared_task(name="feedback.daily_digest", acks_late=True, ignore_result=True)
def daily_digest() -> int:
    from .services.deadlines import daily_digest_send

    return daily_digest_send()


@shared_task(name="feedback.anonymise_closed_items", acks_late=True, ignore_result=True)
def anonymise_closed_items() -> int:
    from .services.retention import closed_items_anonymise

    return closed_items_anonymise()


@shared_task(name="feedback.held_uploads_sweep", acks_late=True, ignore_result=True)
def held_uploads_sweep() -> int:
    from .held_uploads import held_uploads_sweep as sweep

    return sweep()
