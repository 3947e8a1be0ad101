"""Celery tasks of the targets app: the nightly and on-demand compliance rollup (safe to run twice)."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from .models import RollupTrigger
from .services.rollup import rollup_compliance

# Answers to last year's items still arrive in January: keep recomputing the previous year for a while.
PREVIOUS_YEAR_GRACE_DAYS = 60


@shared_task(
    name="targets.rollup_compliance", acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3
)
def rollup_compliance_task(
    year: int | None = None, trigger: str = RollupTrigger.NIGHTLY, user_id: int | None = None
) -> list[int]:
    """Recompute the year (default: the current one, and the previous one early in the year)."""
    from django.contrib.auth import get_user_model

    today = timezone.localdate()
    user = get_user_model().objects.filter(id=user_id).first() if user_id else None
    years = [year] if year else [today.year]
    if year is None and today - timedelta(days=PREVIOUS_YEAR_GRACE_DAYS) < today.replace(month=1, day=1):
        years.insert(0, today.year - 1)
    return [rollup_compliance(year=y, trigger=trigger, user=user).id for y in years]
