"""Figures for readiness and metrics: the outbox and overdue items, each one aggregate query."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Min, Q
from django.utils import timezone

from ..models import OPEN_STATUSES, Item, Notification, NotificationChannel, NotificationStatus


@dataclass(frozen=True)
class OutboxState:
    pending: int
    failed: int
    oldest_age_seconds: float  # of the oldest pending email/SMS that is due now (0 when none)
    unplanned_age_seconds: float = 0.0  # of the oldest submission beat's planner has not planned (0 when none)


def outbox_state() -> OutboxState:
    now = timezone.now()
    due = Q(status=NotificationStatus.PENDING) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    row = (
        Notification.objects.filter(status__in=[NotificationStatus.PENDING, NotificationStatus.FAILED])
        .exclude(channel=NotificationChannel.IN_APP)
        .aggregate(
            pending=Count("id", filter=Q(status=NotificationStatus.PENDING)),
            failed=Count("id", filter=Q(status=NotificationStatus.FAILED)),
            oldest=Min("created_at", filter=due),
        )
    )
    age = (now - row["oldest"]).total_seconds() if row["oldest"] else 0.0
    # The planner's backlog (ADR 0174): an index-only read of item_unacknowledged_idx.
    window = now - timedelta(hours=settings.NOTIFICATIONS_SUBMIT_SWEEP_HOURS)
    unplanned = (
        Item.objects.filter(acknowledged_at__isnull=True, received_at__gte=window)
        .order_by("received_at")
        .values_list("received_at", flat=True)
        .first()
    )
    return OutboxState(
        pending=row["pending"],
        failed=row["failed"],
        oldest_age_seconds=max(age, 0.0),
        unplanned_age_seconds=max((now - unplanned).total_seconds(), 0.0) if unplanned else 0.0,
    )


def overdue_counts() -> dict[str, int]:
    """Open items past their current due date, per step (triage, answer)."""
    rows = (
        Item.objects.filter(status__in=list(OPEN_STATUSES), due_date__lt=timezone.localdate())
        .values("due_step")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["due_step"]: row["n"] for row in rows}
