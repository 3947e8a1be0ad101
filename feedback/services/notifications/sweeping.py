"""Sweeping: what beat runs so that nothing is lost. Every 2 s the planner plans the new submissions (ADR 0174);
every 30 s the sweeper frees the rows of dead workers and queues the rows whose message was lost."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from ...models import Item, Notification, NotificationStatus
from . import queueing
from .planning import notify_item_submitted

# Submissions planned per run at most (the rest waits for the next run).
PLAN_BATCH = 500

logger = logging.getLogger(__name__)


@dataclass
class SweepResult:
    reclaimed: int = 0
    queued: int = 0


def _reclaim(*, stale_before: datetime) -> int:
    """Release the rows being sent by workers whose heartbeat stopped (kill -9, OOM, host lost)."""
    return Notification.objects.filter(status=NotificationStatus.SENDING, claimed_at__lt=stale_before).update(
        status=NotificationStatus.PENDING, queued_at=None, claimed_at=None
    )


def submissions_plan(*, limit: int = PLAN_BATCH) -> int:
    """Every NOTIFICATIONS_PLAN_SECONDS (beat): plan who is told about the submissions not yet planned (the
    oldest first, those of the last NOTIFICATIONS_SUBMIT_SWEEP_HOURS), and queue the deliveries.

    The citizen's request only stores the item (ADR 0174); its ``acknowledged_at IS NULL`` is the durable
    mark of work to do, written in the same statement as the item, so a broker that is down, a lost
    message or a dead worker delays the notifications and loses none. Planners that overlap (a slow run
    and the next tick) skip the items another one holds (``planning.notify_item_submitted``)."""
    window = timezone.now() - timedelta(hours=settings.NOTIFICATIONS_SUBMIT_SWEEP_HOURS)
    waiting = list(
        Item.objects.filter(acknowledged_at__isnull=True, received_at__gte=window)
        .order_by("received_at")
        .values_list("id", flat=True)[:limit]
    )
    ids: list[int] = []
    for item_id in waiting:
        try:
            ids += notify_item_submitted(item_id)
        except Exception:  # one bad item must not hold up the others; it is tried again next time
            logger.exception("Planning the notifications of item %s failed", item_id)
    if ids:
        queueing.notifications_queue(ids)
    if waiting:
        logger.info("Planned the waiting submissions: %s looked at, %s deliveries queued", len(waiting), len(ids))
    return len(waiting)


def notifications_sweep(*, limit: int = 5000) -> SweepResult:
    """Every 30 s (beat): release claims of dead workers, and queue every pending row that is due and is
    neither queued recently nor held by a live worker."""
    now = timezone.now()
    result = SweepResult()
    # Live workers renew their claims every NOTIFICATIONS_CLAIM_HEARTBEAT_SECONDS (services/claims.py); a claim
    # not renewed for the timeout belongs to a worker that died.
    stale = now - timedelta(seconds=settings.NOTIFICATIONS_CLAIM_TIMEOUT_SECONDS)
    result.reclaimed = _reclaim(stale_before=stale)

    requeue = now - timedelta(seconds=settings.NOTIFICATIONS_REQUEUE_AFTER_SECONDS)
    due = list(
        Notification.objects.filter(status=NotificationStatus.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .filter(
            # the rest of a batch whose worker died (its heartbeat stopped) ...
            Q(claimed_at__lt=stale)
            # ... or rows no worker holds that were never queued, or whose message was lost long ago
            | Q(claimed_at__isnull=True) & (Q(queued_at__isnull=True) | Q(queued_at__lt=requeue))
        )
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    if due and queueing.notifications_queue(due):
        result.queued = len(due)
    return result
