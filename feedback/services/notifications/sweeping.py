"""Sweeping: what the beat runs every 30 s so that no row is lost to a dead worker, a lost message or a
process that died between its commit and its after-commit work."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from ...models import Item, Notification, NotificationStatus
from . import queueing
from .planning import notify_item_submitted

# Submissions re-planned per sweep at most (the rest waits for the next sweep).
REPLAN_BATCH = 500


@dataclass
class SweepResult:
    reclaimed: int = 0
    replanned: int = 0
    queued: int = 0


def _reclaim(*, stale_before: datetime) -> int:
    """Release the rows being sent by workers whose heartbeat stopped (kill -9, OOM, host lost)."""
    return Notification.objects.filter(status=NotificationStatus.SENDING, claimed_at__lt=stale_before).update(
        status=NotificationStatus.PENDING, queued_at=None, claimed_at=None
    )


def _replan_submissions() -> int:
    """Plan the submissions whose after-commit work never ran (a crash right after commit)."""
    now = timezone.now()
    grace = now - timedelta(seconds=settings.NOTIFICATIONS_SUBMIT_GRACE_SECONDS)
    window = now - timedelta(hours=settings.NOTIFICATIONS_SUBMIT_SWEEP_HOURS)
    missed = list(
        Item.objects.filter(acknowledged_at__isnull=True, received_at__lt=grace, received_at__gte=window)
        .order_by("received_at")
        .values_list("id", flat=True)[:REPLAN_BATCH]
    )
    for item_id in missed:
        notify_item_submitted(item_id)
    return len(missed)


def notifications_sweep(*, limit: int = 5000) -> SweepResult:
    """Every 30 s (beat): release claims of dead workers, re-plan submissions whose after-commit work never
    ran, and queue every pending row that is due and is neither queued recently nor held by a live worker."""
    now = timezone.now()
    result = SweepResult()
    # Live workers renew their claims every NOTIFICATIONS_CLAIM_HEARTBEAT_SECONDS (services/claims.py); a claim
    # not renewed for the timeout belongs to a worker that died.
    stale = now - timedelta(seconds=settings.NOTIFICATIONS_CLAIM_TIMEOUT_SECONDS)
    result.reclaimed = _reclaim(stale_before=stale)
    result.replanned = _replan_submissions()

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
