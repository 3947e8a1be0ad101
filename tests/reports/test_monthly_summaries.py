"""The dashboard's figures read whole ended months from the monthly summary and the other days from the daily
one (ADR 0169); every figure stays equal to its definition on the items (ADR 0143).

Two oracles: the hand-counted world of ``conftest.figures_world`` (literal numbers below, with the items
that make them), and a generated world compared with the raw-item selectors behind each number
(``feedback.selectors.statistics.items_for_measure``, what the list behind a number shows).
"""

import random
from datetime import date, timedelta

import pytest
from django.db.models import Count

from feedback.models import Channel, Item, ItemType, Status
from feedback.selectors.items import items_for_figures
from feedback.selectors.statistics import items_for_measure
from reports.models import MonthlyItemSummary
from reports.periods import period_parse
from reports.selectors import (
    MEASURES,
    FigureFilters,
    figures_by_month,
    figures_grouped,
    figures_totals,
    whole_months,
)
from reports.services import summary_refresh

from .conftest import TODAY, make_item

# Today is 2026-07-15 (conftest.TODAY).


def test_whole_months_are_those_inside_the_period_that_ended_before_this_month():
    assert whole_months(period_parse("2026-H1"), today=TODAY) == (date(2026, 1, 1), date(2026, 7, 1))
    assert whole_months(period_parse("2026"), today=TODAY) == (date(2026, 1, 1), date(2026, 7, 1))
    assert whole_months(period_parse("2026-01-20..2026-03-15"), today=TODAY) == (date(2026, 2, 1), date(2026, 3, 1))
    assert whole_months(period_parse("2026-07"), today=TODAY) is None  # the month in progress: day by day
    assert whole_months(period_parse("2026-02-02..2026-02-27"), today=TODAY) is None


def test_the_monthly_rows_are_the_hand_counted_months(figures_world):
    # February 2026: i1 received (02-03), answered on time (02-18) and resolved (02-25), its deadline 02-20;
    # i5 resolved 02-02. Commune A holds i1, commune B i5.
    february = MonthlyItemSummary.objects.filter(month=date(2026, 2, 1))
    totals = {m: sum(getattr(r, m) for r in february) for m in MEASURES}

    assert totals == {
        "received": 1,
        "answered": 1,
        "answered_on_time": 1,
        "resolved": 2,
        "due": 1,
        "due_answered": 1,
        "due_on_time": 1,
        "due_resolved": 1,
    }


def test_a_year_mixes_ended_months_and_the_month_in_progress(figures_world, province_officer):
    totals = figures_totals(user=province_officer, filters=FigureFilters(period=period_parse("2026")))

    # H1's six items plus i7, received on 07-10 (July is read day by day); i7's deadline (07-26) has not
    # passed, so the deadline figures are H1's: i1, i2, i3, i5 due; i1, i2, i5 answered; i1, i5 on time
    # and resolved.
    assert (totals["received"], totals["answered"], totals["answered_on_time"], totals["resolved"]) == (7, 3, 2, 2)
    assert (totals["due"], totals["due_answered"], totals["due_on_time"], totals["due_resolved"]) == (4, 3, 2, 2)


def test_a_range_cut_inside_months_adds_the_edge_days_to_the_whole_month(figures_world, province_officer):
    filters = FigureFilters(period=period_parse("2026-01-20..2026-03-15"))

    totals = figures_totals(user=province_officer, filters=filters)
    months = figures_by_month(user=province_officer, filters=filters)

    # 01-20..01-31 (daily): i5 answered 01-30 on time, its deadline 01-31. February (monthly): see above.
    # 03-01..03-15 (daily): i2 received 03-10 (its deadline, 03-26, is outside the range).
    assert (totals["received"], totals["answered"], totals["answered_on_time"], totals["resolved"]) == (2, 2, 2, 2)
    assert (totals["due"], totals["due_answered"], totals["due_on_time"], totals["due_resolved"]) == (2, 2, 2, 2)
    assert [(m["received"], m["answered"], m["resolved"], m["due"]) for m in months] == [
        (0, 1, 0, 1),
        (1, 1, 2, 1),
        (1, 0, 0, 0),
    ]


def test_a_commune_officer_sees_only_their_commune_in_the_monthly_rows(figures_world, officer_a):
    totals = figures_totals(user=officer_a, filters=FigureFilters(period=period_parse("2026")))

    # Commune A: i1, i2, i3, i4 received; i1, i2 answered (i1 on time); i1 resolved; i1, i2, i3 due.
    assert (totals["received"], totals["answered"], totals["answered_on_time"], totals["resolved"]) == (4, 2, 1, 1)
    assert (totals["due"], totals["due_answered"], totals["due_on_time"], totals["due_resolved"]) == (3, 2, 1, 1)


# ---- a generated world against the raw-item selectors -------------------------------------------------

PERIODS = ("2026", "2026-H1", "2026-Q2", "2026-03", "2025-12-20..2026-03-10", "2026-06-10..2026-07-20", "2025")
STATUSES = (
    Status.RECEIVED,
    Status.FORWARDED,
    Status.ANSWERED,
    Status.RESOLVED,
    Status.REJECTED,
    Status.REOPENED,
    Status.WITHDRAWN,
)


def _generate(rng, *, count, communes, agencies, categories):
    first = date(2025, 11, 1)
    last = TODAY - timedelta(days=1)
    for _ in range(count):
        received = first + timedelta(days=rng.randrange((last - first).days + 1))
        status = rng.choice(STATUSES)
        waiting = status in (Status.FORWARDED, Status.ANSWERED)  # an item there has an agency (a constraint)
        agency = rng.choice(agencies if waiting else [*agencies, None])
        forwarded = received + timedelta(days=rng.randrange(3)) if agency else None
        due = received + timedelta(days=15) if forwarded and rng.random() < 0.9 else None
        answered = None
        if agency and (status in (Status.ANSWERED, Status.RESOLVED, Status.REOPENED) or rng.random() < 0.1):
            answered = received + timedelta(days=rng.randrange(4, 30))
            answered = answered if answered <= last else None
        closed = None
        if status in (Status.RESOLVED, Status.REJECTED, Status.WITHDRAWN):
            closed = (answered or received) + timedelta(days=rng.randrange(8))
            closed = closed if closed <= last else None
        extra = {} if due else {"due_date": received + timedelta(days=10)}
        make_item(
            commune=rng.choice(communes),
            category=rng.choice(categories),
            status=status,
            agency=agency,
            received=received.isoformat(),
            forwarded=forwarded and forwarded.isoformat(),
            due=due and due.isoformat(),
            answered=answered and answered.isoformat(),
            on_time=None if answered is None or due is None else answered <= due,
            closed=closed and closed.isoformat(),
            legitimate=rng.choice([True, True, False, None]),
            type=rng.choice([ItemType.RECOMMENDATION, ItemType.COMPLAINT, ItemType.FRONT_RECOMMENDATION]),
            channel=rng.choice([Channel.WEB, Channel.PHONE]),
            **extra,
        )


def _raw(user, filters: FigureFilters, measure: str, *, start: date | None = None, end: date | None = None):
    """The items a measure counts, from the items (the list behind the number)."""
    qs = items_for_figures(user=user)
    qs = items_for_measure(
        qs, measure=measure, start=start or filters.period.start, end=end or filters.period.end, today=TODAY
    )
    for column, value in (
        ("commune_id", filters.commune_id),
        ("category_id", filters.category_id),
        ("channel", filters.channel),
        ("current_agency_id", filters.agency_id),
    ):
        if value not in (None, ""):
            qs = qs.filter(**{column: value})
    return qs


@pytest.fixture
def generated_world(clock, commune_a, commune_b, agency_a, agency_b, categories):
    _generate(
        random.Random(20260715),
        count=160,
        communes=[commune_a, commune_b],
        agencies=[agency_a, agency_b],
        categories=list(categories),
    )
    summary_refresh(full=True)


def _assert_summaries_equal_the_items(user, filters: FigureFilters) -> None:
    grouped = figures_grouped(user=user, filters=filters, today=TODAY)
    totals = grouped["total"][0] if grouped["total"] else dict.fromkeys(MEASURES, 0)
    for measure in MEASURES:
        assert totals[measure] == _raw(user, filters, measure).count(), (filters, measure)
    for group, column in (("category", "category_id"), ("commune", "commune_id"), ("agency", "current_agency_id")):
        for measure in MEASURES:
            raw = dict(_raw(user, filters, measure).values_list(column).annotate(n=Count("id")).order_by())
            summed = {r["key"]: r[measure] for r in grouped[group] if r[measure]}
            assert summed == raw, (filters, group, measure)
    months = {r["key"]: r for r in grouped["month"]}
    for month in filters.period.months():
        start, end = (
            max(month, filters.period.start),
            min((month + timedelta(days=32)).replace(day=1), filters.period.end),
        )
        for measure in MEASURES:
            expected = _raw(user, filters, measure, start=start, end=end).count()
            assert months.get(month, {}).get(measure, 0) == expected, (filters, month, measure)


@pytest.mark.parametrize("period", PERIODS)
def test_generated_world_summaries_equal_the_items(generated_world, province_officer, officer_a, period):
    for user in (province_officer, officer_a):
        _assert_summaries_equal_the_items(user, FigureFilters(period=period_parse(period)))


def test_generated_world_with_filters(generated_world, province_officer, commune_b, agency_a, categories):
    land, _roads = categories
    period = period_parse("2026")
    for filters in (
        FigureFilters(period=period, category_id=land.pk),
        FigureFilters(period=period, channel=Channel.PHONE),
        FigureFilters(period=period, agency_id=agency_a.pk),
        FigureFilters(period=period, commune_id=commune_b.pk, category_id=land.pk),
    ):
        _assert_summaries_equal_the_items(province_officer, filters)


def test_an_incremental_refresh_keeps_the_months_equal_to_the_items(generated_world, province_officer, clock):
    # Items change after the full rebuild: answers recorded in an ended month, one reopened, one closed.
    changed = list(Item.objects.filter(answered_at__isnull=True, current_agency__isnull=False).order_by("id")[:5])
    for item in changed:
        item.answered_at = item.received_at + timedelta(days=3)
        item.answer_on_time = True
        item.status = Status.ANSWERED
        item.save(update_fields=["answered_at", "answer_on_time", "status", "updated_at"])
    clock.shift(timedelta(minutes=5))

    result = summary_refresh()

    assert result["full"] is False
    assert result["days"] > 0
    for period in ("2026", "2025-12-20..2026-03-10"):
        _assert_summaries_equal_the_items(province_officer, FigureFilters(period=period_parse(period)))
