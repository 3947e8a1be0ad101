"""After-commit entry points: what the services that write items call once their transaction commits.

``on_item_submitted`` is registered by ``FeedbackConfig.ready()`` into intake's ``AFTER_SUBMIT_HOOKS``;
``on_item_moved`` and ``notify_item_event_on_commit`` are called directly by the workflow services.
"""

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import transaction

from mttq_portal.celery import app

from . import queueing
from .planning import notify_followers, notify_item_event, notify_item_moved, notify_item_submitted

logger = logging.getLogger(__name__)


def _run_hook(plan: Callable[[], list[int]]) -> None:
    """After-commit work must never turn a committed request into an error: on failure the sweeper catches up."""
    try:
        ids = plan()
    except Exception:
        logger.exception("Planning notifications failed; the sweeper will retry")
        return
    queueing.notifications_queue(ids)


def on_item_submitted(item_id: int) -> None:
    """After a submission commits. With a worker, nothing: beat's planner finds the new item within
    NOTIFICATIONS_PLAN_SECONDS and plans who is told (ADR 0174), so the citizen's request pays neither the
    audience query nor a broker round trip. When tasks run inline (tests), plan here."""
    if app.conf.task_always_eager or not settings.NOTIFICATIONS_PLAN_SUBMISSIONS_IN_WORKER:
        _run_hook(lambda: notify_item_submitted(item_id))


def on_item_moved(item_id: int, event_id: int, move: str) -> None:
    _run_hook(lambda: notify_item_moved(item_id, event_id, move))


def notify_followers_on_commit(*, event_ids: list[int], move: str) -> None:
    if event_ids:
        transaction.on_commit(lambda: _run_hook(lambda: notify_followers(event_ids=event_ids, move=move)))


def notify_item_event_on_commit(*, event_id: int) -> None:
    transaction.on_commit(lambda: _run_hook(lambda: notify_item_event(event_id=event_id)))


def register_hooks() -> None:
    from .. import intake

    if on_item_submitted not in intake.AFTER_SUBMIT_HOOKS:
        intake.AFTER_SUBMIT_HOOKS.append(on_item_submitted)
