"""The one writer of ``IndicatorValue``: the rollup's set-based upsert and the approval of a reported figure
both write through here, keyed by (indicator, period, dimension, key)."""

from collections.abc import Sequence
from datetime import datetime

from ..models import IndicatorValue, RollupRun, ValueStatus

UNIQUE_FIELDS = ["indicator", "period", "dimension", "key"]
UPDATE_FIELDS = [
    "unit",
    "organization",
    "category",
    "numerator",
    "denominator",
    "value",
    "status",
    "origin",
    "details",
    "computed_at",
    "reported_by",
    "report",
    "rollup_run",
]


def indicator_values_upsert(*, values: Sequence[IndicatorValue]) -> int:
    """Insert the values, or replace every written column of the row with the same key. Returns the count."""
    IndicatorValue.objects.bulk_create(
        list(values), update_conflicts=True, unique_fields=UNIQUE_FIELDS, update_fields=UPDATE_FIELDS, batch_size=2000
    )
    return len(values)


def indicator_values_empty(*, ids: Sequence[int], now: datetime, run: RollupRun | None) -> int:
    """Keep the rows but drop their figures (the key had figures before and has none now)."""
    if not ids:
        return 0
    return IndicatorValue.objects.filter(id__in=list(ids)).update(
        numerator=0, denominator=0, value=None, status=ValueStatus.NO_DATA, details={}, computed_at=now, rollup_run=run
    )
