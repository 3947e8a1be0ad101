"""Celery tasks of the feedback app. Each takes ids, calls a service and is safe to run twice.

Reliability comes from the settings (late acknowledgement, re-queue when a worker dies, time limits) and
from the services: a row is claimed with a conditional UPDATE before it is acted on.
"""

from celery import shared_task

from .services import notifications


def _deliver(notification_id: int) -> str:
    outcome, delay = notifications.notification_deliver(notification_id=notification_id)
    if outcome == notifications.Outcome.RETRY:
        # Bounded retries with backoff; if this publish fails the sweeper finds the row when it is due.
        notifications.notifications_queue([notification_id], countdown=delay)
    return outcome.value


@shared_task(name="feedback.notification_deliver", acks_late=True, ignore_result=True)
def notification_deliver(notification_id: int) -> str:
    return _deliver(notification_id)


@shared_task(name="feedback.notifications_deliver_batch", acks_late=True, ignore_result=True)
def notifications_deliver_batch(notification_ids: list[int]) -> dict:
    outcomes: dict[str, int] = {}
    for notification_id in notification_ids:
        outcome = _deliver(notification_id)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


@shared_task(name="feedback.notifications_fan_out", acks_late=True, ignore_result=True)
def notifications_fan_out(first_id: int, last_id: int) -> int:
    return notifications.notifications_fan_out(first_id=first_id, last_id=last_id)


@shared_task(name="feedback.notifications_sweep", acks_late=True, ignore_result=True)
def notifications_sweep() -> dict:
    result = notifications.notifications_sweep()
    return {"reclaimed": result.reclaimed, "replanned": result.replanned, "queued": result.queued}


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
    from .services.deadlines import closed_items_anonymise

    return closed_items_anonymise()


@shared_task(name="feedback.held_uploads_sweep", acks_late=True, ignore_result=True)
def held_uploads_sweep() -> int:
    from .held_uploads import held_uploads_sweep as sweep

    return sweep()
