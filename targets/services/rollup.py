"""The compliance rollup: recompute every computed indicator of a year with set-based aggregates and upsert
the values on ``(indicator, period, dimension, key)``.

One GROUP BY per dimension (grouped also by quarter, so the halves and the year are sums of quarters), one
for portal use, one per activity-based target, one for the reported values; then one bulk upsert. Running it
twice gives the same rows. Each run is recorded in ``RollupRun`` (start, duration, rows).
"""

import logging
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from feedback.selectors.figures import A1_MEASURES, a1_counts
from feedback.selectors.statistics import portal_use_counts
from organizations.models import OrganizationKind, User
from organizations.selectors import commune_list, portal_province
from programs.models import Activity

from ..aggregation import ORGANIZATION_SHARE, province_reported_figure
from ..compliance import status_for, value_of
from ..models import (
    Dimension,
    Indicator,
    IndicatorValue,
    Origin,
    Period,
    PeriodKind,
    RollupRun,
    RollupState,
    RollupTrigger,
    Source,
    ValueStatus,
)
from ..periods import period_ensure, year_and_parts
from .values import indicator_values_empty, indicator_values_upsert

logger = logging.getLogger(__name__)

# Dimension -> the IndicatorValue column its key fills.
_KEY_COLUMN = {
    Dimension.COMMUNE: "unit_id",
    Dimension.AGENCY: "organization_id",
    Dimension.SOURCE_ORGANIZATION: "organization_id",
    Dimension.ORGANIZATION: "organization_id",
    Dimension.CATEGORY: "category_id",
}
# Indicator -> (numerator measure, subject, denominator measure); see feedback.selectors.figures.
A1_FIELDS = {
    "A1.1": ("considered", "own", "recommended"),
    "A1.2": ("answered", "own", "recommended"),
    "A1.3": ("resolved", "own", "recommended"),
    "A1.4": ("on_time", "own", "due"),
    "A1.5": ("resolved", "citizens", "recommended"),
}
ACTIVITY_KINDS = {
    "A5.1": ("dialogue",),
    "A6.1": ("working_session",),
    "A7.1": ("listening_session", "listening_month"),
}


@dataclass
class _Context:
    year: int
    as_of: date
    run: RollupRun
    now: datetime
    province_id: int | None
    periods: dict[str, Period] = field(default_factory=dict)
    rows: dict[tuple[int, int, str, int], dict[str, Any]] = field(default_factory=dict)

    def started(self) -> list[Period]:
        return [p for p in self.periods.values() if p.starts_on <= self.as_of]

    def add(
        self,
        indicator: Indicator,
        period: Period,
        dimension: str,
        key: int,
        numerator: int,
        denominator: int,
        *,
        origin: str = Origin.COMPUTED,
        details: Mapping[str, Any] | None = None,
        report_id: int | None = None,
        reported_by_id: int | None = None,
        value: Decimal | None = None,
    ) -> None:
        """``value``: when the value is not numerator / denominator (T2.1's average of the yearly rates)."""
        value = value if value is not None else value_of(numerator, denominator)
        row = {
            "indicator_id": indicator.id,
            "period_id": period.id,
            "dimension": dimension,
            "key": key,
            "unit_id": None,
            "organization_id": None,
            "category_id": None,
            "numerator": numerator,
            "denominator": denominator,
            "value": value,
            "status": status_for(
                indicator=indicator,
                horizon=indicator.target.horizon,
                value=value,
                period_kind=period.kind,
                period_year=period.year,
                period_ends_on=period.ends_on,
                as_of=self.as_of,
            ),
            "origin": origin,
            "details": dict(details or {}),
            "computed_at": self.now,
            "reported_by_id": reported_by_id,
            "report_id": report_id,
            "rollup_run_id": self.run.id,
        }
        if dimension == Dimension.PROVINCE:
            row["unit_id"] = self.province_id
        else:
            row[_KEY_COLUMN[Dimension(dimension)]] = key
        self.rows[(indicator.id, period.id, dimension, key)] = row


def _quarter_periods(ctx: _Context, quarter: int) -> list[Period]:
    """The periods a quarter's counts add to: the quarter, its half and the year."""
    half = 1 if quarter <= 2 else 2
    codes = (f"{ctx.year}-Q{quarter}", f"{ctx.year}-H{half}", str(ctx.year))
    return [ctx.periods[c] for c in codes if ctx.periods[c].starts_on <= ctx.as_of]


# The dimensions A1 is broken down by, each one GROUP BY (``feedback.selectors.figures.a1_counts``).
A1_DIMENSIONS = (
    Dimension.PROVINCE,
    Dimension.COMMUNE,
    Dimension.AGENCY,
    Dimension.SOURCE_ORGANIZATION,
    Dimension.CATEGORY,
)
# (subject, period id, key) -> the A1 measures counted for it.
_A1Totals = dict[tuple[str, int, int], dict[str, int]]


def _a1_empty() -> dict[str, int]:
    return dict.fromkeys(A1_MEASURES, 0)


def _a1_totals(ctx: _Context, dimension: str, *, baseline_keys: Sequence[int]) -> _A1Totals:
    """The quarters' counts added to each started period they belong to (quarter, half, year); the
    ``baseline_keys`` get a row for every started period even with nothing counted."""
    totals: _A1Totals = {}
    year_start = date(ctx.year, 1, 1)
    received_to = min(date(ctx.year, 12, 31), ctx.as_of)
    if received_to >= year_start:
        rows = a1_counts(received_from=year_start, received_to=received_to, as_of=ctx.as_of, dimension=dimension)
        for row in rows:
            for period in _quarter_periods(ctx, row["quarter"]):
                bucket = totals.setdefault((row["subject"], period.id, row["key"]), _a1_empty())
                for name in A1_MEASURES:
                    bucket[name] += row[name]
    for period in ctx.started():
        for key in baseline_keys:
            for subject in ("own", "citizens"):
                totals.setdefault((subject, period.id, key), _a1_empty())
    return totals


def _a1_add(ctx: _Context, a1: Sequence[Indicator], dimension: str, totals: _A1Totals) -> None:
    """One value per (indicator, period, key): the indicator's numerator over its denominator, of its subject."""
    periods_by_id = {p.id: p for p in ctx.periods.values()}
    for (subject, period_id, key), counts in totals.items():
        for indicator in a1:
            field_name, wanted_subject, denominator = A1_FIELDS[indicator.code]
            if subject == wanted_subject:
                ctx.add(
                    indicator,
                    periods_by_id[period_id],
                    dimension,
                    key,
                    counts[field_name],
                    counts[denominator],
                    details=dict(counts),
                )


def _compute_a1(ctx: _Context, indicators: dict[str, Indicator]) -> None:
    """A1 from the organisations' own recommendations made in the period: considered, answered, resolved
    (the resolution's three stages); on time is the portal's own indicator; citizens' items the Front
    forwarded are the labelled breakdown (ADR 0143). One GROUP BY per dimension, by quarter received."""
    a1 = [indicators[code] for code in A1_FIELDS if code in indicators]
    if not a1:
        return
    commune_ids = list(commune_list().values_list("id", flat=True))
    # The province and every commune get a row for every started period, even with nothing counted.
    baseline: dict[str, Sequence[int]] = {Dimension.PROVINCE: [0], Dimension.COMMUNE: commune_ids}
    for dimension in A1_DIMENSIONS:
        totals = _a1_totals(ctx, dimension, baseline_keys=baseline.get(dimension, ()))
        _a1_add(ctx, a1, dimension, totals)


def _front_committees() -> dict[int, int]:
    """The province's Front committees: {unit id: organisation id} (the province's own under its unit)."""
    from organizations.models import Organization

    province = portal_province()
    if province is None:
        return {}
    committees = (
        Organization.objects.filter(kind=OrganizationKind.FRONT_COMMITTEE, is_active=True)
        .filter(Q(unit=province) | Q(unit__parent=province))
        .order_by("unit_id", "id")
        .values_list("unit_id", "id")
    )
    result: dict[int, int] = {}
    for unit_id, org_id in committees:
        result.setdefault(unit_id, org_id)
    return result


def _compute_t4(ctx: _Context, indicator: Indicator | None) -> None:
    """T4: a Front committee uses the portal in a period when it received, triaged and closed items in it."""
    if indicator is None or ctx.province_id is None:
        return
    committees = _front_committees()
    if not committees:
        return
    until = min(date(ctx.year, 12, 31), ctx.as_of)
    steps: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: {"received": 0, "triaged": 0, "closed": 0})
    for row in portal_use_counts(since=date(ctx.year, 1, 1), until=until):
        unit_id = ctx.province_id if row["key"] == 0 else row["key"]
        org_id = committees.get(unit_id)
        if org_id is None:
            continue
        for period in _quarter_periods(ctx, row["quarter"]):
            bucket = steps[(period.id, org_id)]
            for name in bucket:
                bucket[name] += row[name]
    for period in ctx.started():
        using = 0
        for org_id in committees.values():
            counts = steps.get((period.id, org_id), {"received": 0, "triaged": 0, "closed": 0})
            uses = int(all(counts.values()))
            using += uses
            ctx.add(indicator, period, Dimension.ORGANIZATION, org_id, uses, 1, details=dict(counts))
        ctx.add(indicator, period, Dimension.PROVINCE, 0, using, len(committees))


def _compute_activities(ctx: _Context, indicators: dict[str, Indicator]) -> None:
    """A5, A6, A7 from programme activities of the year (one GROUP BY each)."""
    from organizations.models import Organization

    year = ctx.periods[str(ctx.year)]
    if ctx.province_id is None or year.starts_on > ctx.as_of:
        return
    held = Activity.objects.filter(held_on__gte=year.starts_on, held_on__lte=min(year.ends_on, ctx.as_of))
    communes = list(commune_list().values_list("id", flat=True))

    if (a5 := indicators.get("A5.1")) is not None:
        counts = dict(
            held.filter(kind__in=ACTIVITY_KINDS["A5.1"])
            .annotate(place=Coalesce("commune_id", "organization__unit_id"))
            .values("place")
            .annotate(n=Count("id"))
            .order_by()
            .values_list("place", "n")
        )
        _per_key(ctx, a5, year, Dimension.COMMUNE, communes, counts)

    if (a6 := indicators.get("A6.1")) is not None:
        counts = dict(
            held.filter(kind__in=ACTIVITY_KINDS["A6.1"])
            .values("organization__unit_id")
            .annotate(n=Count("id"))
            .order_by()
            .values_list("organization__unit_id", "n")
        )
        _per_key(ctx, a6, year, Dimension.COMMUNE, [ctx.province_id, *communes], counts)

    if (a7 := indicators.get("A7.1")) is not None:
        orgs = list(
            Organization.objects.filter(kind__in=a7.organization_kinds, is_active=True)
            .filter(Q(unit_id=ctx.province_id) | Q(unit__parent_id=ctx.province_id))
            .values_list("id", flat=True)
        )
        counts = dict(
            held.filter(kind__in=ACTIVITY_KINDS["A7.1"], organization_id__in=orgs)
            .values("organization_id")
            .annotate(n=Count("id"))
            .order_by()
            .values_list("organization_id", "n")
        )
        _per_key(ctx, a7, year, Dimension.ORGANIZATION, orgs, counts)


def _per_key(
    ctx: _Context,
    indicator: Indicator,
    period: Period,
    dimension: str,
    keys: Sequence[int],
    counts: Mapping[int, int],
) -> None:
    done = 0
    for key in keys:
        n = counts.get(key, 0)
        done += n > 0
        ctx.add(indicator, period, dimension, key, int(n > 0), 1, details={"activities": n})
    ctx.add(indicator, period, Dimension.PROVINCE, 0, done, len(keys))


def _compute_reported(ctx: _Context, indicators: list[Indicator]) -> None:
    """Approved figures (written per organisation by the approval) get their status refreshed (a period may
    have closed since); the province's value sums them (one GROUP BY)."""
    if not indicators:
        return
    by_id = {i.id: i for i in indicators}
    periods_by_id = {p.id: p for p in ctx.periods.values()}
    approved = IndicatorValue.objects.filter(
        indicator__in=indicators,
        period_id__in=list(periods_by_id),
        dimension=Dimension.ORGANIZATION,
        origin=Origin.REPORTED,
    )
    fields = ("indicator_id", "period_id", "key", "numerator", "denominator", "details", "report_id", "reported_by_id")
    for row in approved.values(*fields):
        ctx.add(
            by_id[row["indicator_id"]],
            periods_by_id[row["period_id"]],
            Dimension.ORGANIZATION,
            row["key"],
            row["numerator"],
            row["denominator"],
            origin=Origin.REPORTED,
            details=row["details"],
            report_id=row["report_id"],
            reported_by_id=row["reported_by_id"],
        )
    # The province's value: one rule with the approval's (targets/aggregation.py). An indicator that counts
    # organisations gets a province row for the year even when nobody reported (0 of all in scope).
    keys = set(approved.values_list("indicator_id", "period_id").distinct())
    year = ctx.periods[str(ctx.year)]
    if year.starts_on <= ctx.as_of:
        keys |= {(i.id, year.id) for i in indicators if i.code in ORGANIZATION_SHARE}
    for indicator_id, period_id in sorted(keys):
        indicator, period = by_id[indicator_id], periods_by_id[period_id]
        figure = province_reported_figure(indicator, period)
        ctx.add(
            indicator,
            period,
            Dimension.PROVINCE,
            0,
            figure.numerator,
            figure.denominator,
            origin=Origin.REPORTED,
            details=figure.details,
            value=figure.value,
        )


_COMPARED = ("numerator", "denominator", "status", "origin", "details", "report_id", "reported_by_id")


def _write(ctx: _Context) -> int:
    """Upsert the values that differ from the stored ones (one read, one bulk upsert, one update); keys that
    had figures before but none now (an item re-forwarded to a later deadline) are kept and emptied, never
    left with stale figures. Returns how many rows were written."""
    existing = {
        row[1:5]: row
        for row in IndicatorValue.objects.filter(period__in=list(ctx.periods.values())).values_list(
            "id", "indicator_id", "period_id", "dimension", "key", *_COMPARED
        )
    }
    changed = [
        IndicatorValue(**fields)
        for key, fields in ctx.rows.items()
        if key not in existing or existing[key][5:] != tuple(fields[name] for name in _COMPARED)
    ]
    indicator_values_upsert(values=changed)
    stale_ids = [
        row[0]
        for key, row in existing.items()
        if key not in ctx.rows
        and (row[8] == Origin.COMPUTED or row[3] == Dimension.PROVINCE)
        and row[5:8] != (0, 0, ValueStatus.NO_DATA)
    ]
    indicator_values_empty(ids=stale_ids, now=ctx.now, run=ctx.run)
    return len(changed) + len(stale_ids)


def _lock(year: int) -> None:
    """Serialise concurrent rollups of the same year (nightly and on demand) for the transaction."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [7_000, year])


def rollup_compliance(
    *,
    year: int,
    trigger: str = RollupTrigger.COMMAND,
    user: User | AnonymousUser | None = None,
    as_of: date | None = None,
) -> RollupRun:
    """Recompute every value of ``year`` (the year, its halves and quarters) and upsert them."""
    as_of = as_of or timezone.localdate()
    started = time.perf_counter()
    run = RollupRun.objects.create(
        period_code=str(year),
        trigger=trigger,
        requested_by=user if user is not None and user.is_authenticated else None,
        as_of=as_of,
        started_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            _lock(year)
            province = portal_province()
            ctx = _Context(
                year=year, as_of=as_of, run=run, now=timezone.now(), province_id=province.id if province else None
            )
            ctx.periods = {code: period_ensure(code) for code in year_and_parts(year)}
            indicators = {
                i.code: i for i in Indicator.objects.select_related("target").order_by("target__order", "order")
            }
            _compute_a1(ctx, indicators)
            _compute_t4(ctx, indicators.get("T4.2"))
            _compute_activities(ctx, indicators)
            _compute_reported(ctx, [i for i in indicators.values() if i.source == Source.REPORTED])
            changed = _write(ctx)
    except Exception as exc:
        run.state = RollupState.FAILED
        run.error = f"{type(exc).__name__}: {exc}"[:2000]
        run.finished_at = timezone.now()
        run.duration_ms = int((time.perf_counter() - started) * 1000)
        run.save(update_fields=["state", "error", "finished_at", "duration_ms"])
        logger.exception("compliance rollup of %s failed", year)
        raise
    run.state = RollupState.DONE
    run.rows = len(ctx.rows)
    run.changed = changed
    run.finished_at = timezone.now()
    run.duration_ms = int((time.perf_counter() - started) * 1000)
    run.save(update_fields=["state", "rows", "changed", "finished_at", "duration_ms"])
    return run


PERIOD_KINDS_OF_YEAR = (PeriodKind.YEAR, PeriodKind.HALF, PeriodKind.QUARTER)
