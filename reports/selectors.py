"""Reads of the reports app: figures from the summary tables, scoped to the viewer.

Every function takes the viewer (a staff user or an API token's service identity) and narrows with
``organizations.selectors.user_scope``: the province sees everything, a commune Front its communes, an
agency the items forwarded to it.

The flow and deadline figures come from one query, ``figures_grouped``: the rows of the period, as the ORM
selects them (``_figure_rows``: the viewer's scope, the filters, whole months that have ended from
``MonthlyItemSummary`` and the days at the edges from ``DailyItemSummary``), summed by GROUPING SETS. Every
figure on the dashboard, in the report files and in the report API is that one SQL (ADR 0169).
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, TypeAlias

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import F, IntegerField, Model, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from feedback.models import Category, Channel, ItemType, Status
from feedback.selectors.statistics import MEASURES
from mttq_portal.ordering import vietnamese_sort_key
from organizations.models import AdministrativeUnit, Organization, User
from organizations.scope import figures_q, user_scope

from .models import AnswerTimeSummary, DailyItemSummary, MonthlyItemSummary, OpenItemSnapshot, SummaryState
from .periods import Period, period_parse

Viewer: TypeAlias = User | AnonymousUser
Row: TypeAlias = dict[str, Any]

GROUPS = {
    "commune": "commune_id",
    "agency": "agency_id",
    "organization": "source_organization_id",
    "category": "category_id",
    "type": "type",
    "channel": "channel",
}
WAITING_STATUSES = (Status.FORWARDED, Status.REOPENED)
# What the dashboard groups by, in its one scan.
DASHBOARD_GROUPS = ("month", "category", "commune", "agency")


@dataclass(frozen=True)
class FigureFilters:
    period: Period
    commune_id: int | None = None
    category_id: int | None = None
    type: str = ""
    channel: str = ""
    agency_id: int | None = None
    organization_id: int | None = None
    campaign_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_query(cls, params: Mapping[str, Any]) -> "FigureFilters":
        from django.utils.translation import gettext as _

        from mttq_portal.errors import ApplicationError
        from mttq_portal.filters import id_or_none

        def as_id(name: str) -> int | None:
            value = str(params.get(name) or "").strip()
            if not value:
                return None
            number = id_or_none(value)
            if number is None:
                raise ApplicationError(
                    _("“%(value)s” is not a valid identifier.") % {"value": value[:40]}, fields={name: [value[:40]]}
                )
            return number

        return cls(
            period=period_parse(params.get("period")),
            commune_id=as_id("commune"),
            category_id=as_id("category"),
            type=str(params.get("type") or "").strip(),
            channel=str(params.get("channel") or "").strip(),
            agency_id=as_id("agency"),
            organization_id=as_id("organization"),
        )

    def as_query(self) -> dict[str, Any]:
        """The filters as query-string parameters (for links to the list behind a number)."""
        values = {
            "period": self.period.code,
            "commune": self.commune_id,
            "category": self.category_id,
            "type": self.type,
            "channel": self.channel,
            "agency": self.agency_id,
            "organization": self.organization_id,
        }
        return {k: v for k, v in values.items() if v not in (None, "")}


def _scope_q(user: Viewer) -> Q | None:
    """None when the viewer may see no figures at all (``organizations.scope.figures_q``)."""
    return figures_q(user_scope(user=user), commune_field="commune_id", agency_field="agency_id")


def _has_column(model: type[Model], name: str) -> bool:
    return any(f.name == name for f in model._meta.get_fields())


def _filters_q(model: type[Model], filters: FigureFilters) -> Q:
    """The dashboard's filters on the dimension columns ``model`` has (the open-items snapshot has no
    campaign, the answer times no source organisation)."""
    q = Q()
    for column, value in (
        ("commune_id", filters.commune_id),
        ("category_id", filters.category_id),
        ("type", filters.type),
        ("channel", filters.channel),
        ("agency_id", filters.agency_id),
        ("source_organization_id", filters.organization_id),
        ("campaign_id", filters.campaign_id),
    ):
        if value not in (None, "") and _has_column(model, column):
            q &= Q(**{column: value})
    return q


def _narrow(qs: QuerySet[Any], *, user: Viewer, filters: FigureFilters, dated: bool = True) -> QuerySet[Any]:
    """Rows of one summary table the viewer may see under the filters (and, ``dated``, within the period)."""
    scope_q = _scope_q(user)
    if scope_q is None:
        return qs.none()
    qs = qs.filter(scope_q, _filters_q(qs.model, filters))
    if dated:
        qs = qs.filter(day__gte=filters.period.start, day__lt=filters.period.end)
    return qs


def _month_after(month: date) -> date:
    return (month + timedelta(days=32)).replace(day=1)


def whole_months(period: Period, *, today: date) -> tuple[date, date] | None:
    """``[first, end)``: the calendar months entirely inside the period that ended before today's month
    began, which ``MonthlyItemSummary`` answers; None when there are none. Only ended months: a deadline
    counts once it has passed, so the month in progress is summed day by day."""
    this_month = today.replace(day=1)
    months = [m for m in period.months() if m >= period.start and _month_after(m) <= min(period.end, this_month)]
    if not months:
        return None
    return months[0], _month_after(months[-1])


def _figure_rows(*, user: Viewer, filters: FigureFilters, today: date) -> tuple[str, list[Any]] | None:
    """The summary rows of the period the viewer may see under the filters, as SQL: whole ended months from
    the monthly table, the other days from the daily table, each row with its first ``day``. None when the
    viewer sees no figures. Built by the ORM (``_narrow``), so the scope and the filters are written once."""
    if _scope_q(user) is None:
        return None
    columns = ("period_day", *GROUPS.values(), *MEASURES)
    period = filters.period
    months = whole_months(period, today=today)
    parts: list[QuerySet[Any]] = []
    if months is None:
        daily_q = Q(day__gte=period.start, day__lt=period.end)
    else:
        first, end = months
        monthly = _narrow(MonthlyItemSummary.objects.all(), user=user, filters=filters, dated=False)
        monthly = monthly.filter(month__gte=first, month__lt=end)
        parts.append(monthly.annotate(period_day=F("month")).values(*columns))
        daily_q = Q(day__gte=period.start, day__lt=first) | Q(day__gte=end, day__lt=period.end)
    if months is None or period.start < months[0] or months[1] < period.end:
        daily = _narrow(DailyItemSummary.objects.all(), user=user, filters=filters, dated=False).filter(daily_q)
        parts.append(daily.annotate(period_day=F("day")).values(*columns))
    sqls: list[str] = []
    params: list[Any] = []
    for part in parts:
        sql, part_params = part.query.sql_with_params()
        sqls.append(f"({sql})")
        params.extend(part_params)
    return " UNION ALL ".join(sqls), params


def _sum(name: str, **extra: Any) -> Coalesce:
    return Coalesce(Sum(name, **extra), 0, output_field=IntegerField())


def _rate(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def _with_rates(row: Row) -> Row:
    row["answered_rate"] = _rate(row["due_answered"], row["due"])
    row["on_time_rate"] = _rate(row["due_on_time"], row["due"])
    row["resolved_rate"] = _rate(row["due_resolved"], row["due"])
    return row


def _names(group_by: str, keys: Iterable[Any]) -> dict[Any, Any]:
    ids = [k for k in keys if k is not None]
    if group_by == "commune":
        return dict(AdministrativeUnit.objects.filter(id__in=ids).values_list("id", "name"))
    if group_by in ("agency", "organization"):
        return dict(Organization.objects.filter(id__in=ids).values_list("id", "name"))
    if group_by == "category":
        return {c.id: c.name for c in Category.objects.filter(id__in=ids)}
    if group_by == "type":
        return dict(ItemType.choices)
    if group_by == "channel":
        return dict(Channel.choices)
    return {}


def _grouped(
    *, user: Viewer, filters: FigureFilters, today: date, grouped: dict[str, list[Row]] | None, group: str
) -> dict[str, list[Row]]:
    """``grouped`` when it already holds ``group`` (the dashboard's one scan), else a scan for that group."""
    if grouped is not None and (group == "total" or group in grouped):
        return grouped
    return figures_grouped(user=user, filters=filters, today=today, groups=() if group == "total" else (group,))


def compliance_figures(
    *,
    user: Viewer,
    group_by: str,
    filters: FigureFilters,
    today: date | None = None,
    grouped: dict[str, list[Row]] | None = None,
) -> list[Row]:
    """Flow figures per group (received, answered, on time, resolved) and the rates over the lawful and
    legitimate items whose deadline passed (``feedback.selectors.figures``; not target A1's own set)."""
    today = today or timezone.localdate()
    rows = _grouped(user=user, filters=filters, today=today, grouped=grouped, group=group_by)[group_by]
    names = _names(group_by, [r["key"] for r in rows])
    result = []
    for row in rows:
        key = row["key"]
        figures = {k: v for k, v in row.items() if k != "key"}
        result.append(_with_rates({"key": key, "name": str(names.get(key, "")) if key is not None else "", **figures}))
    # Vietnamese order (Đ with D, before E), not code-point order.
    result.sort(key=lambda r: (r["name"] == "", vietnamese_sort_key(r["name"])))
    return result


def figures_totals(
    *, user: Viewer, filters: FigureFilters, today: date | None = None, grouped: dict[str, list[Row]] | None = None
) -> Row:
    today = today or timezone.localdate()
    total = _grouped(user=user, filters=filters, today=today, grouped=grouped, group="total")["total"]
    totals = dict(total[0]) if total else dict.fromkeys(MEASURES, 0)
    open_now = _narrow(OpenItemSnapshot.objects.all(), user=user, filters=filters, dated=False).aggregate(
        open=_sum("items"), overdue=_sum("overdue")
    )
    return _with_rates({**totals, "in_progress": open_now["open"], "overdue_now": open_now["overdue"]})


def figures_by_month(
    *, user: Viewer, filters: FigureFilters, today: date | None = None, grouped: dict[str, list[Row]] | None = None
) -> list[Row]:
    today = today or timezone.localdate()
    rows = {
        r["key"]: r for r in _grouped(user=user, filters=filters, today=today, grouped=grouped, group="month")["month"]
    }
    empty = dict.fromkeys(MEASURES, 0)
    months = []
    current = today.replace(day=1)
    for month in filters.period.months():
        if month > current:
            break  # months to come are not drawn as zeros
        row = {**empty, **rows.get(month, {}), "month": month, "in_progress": month == current}
        row.pop("key", None)
        months.append(_with_rates(row))
    return months


def agency_table(
    *, user: Viewer, filters: FigureFilters, today: date | None = None, grouped: dict[str, list[Row]] | None = None
) -> list[Row]:
    """Per agency: items waiting for its answer now, of which overdue, answered in the period, median days."""
    today = today or timezone.localdate()
    waiting = {
        r["agency_id"]: r
        for r in _narrow(OpenItemSnapshot.objects.exclude(agency_id=None), user=user, filters=filters, dated=False)
        .filter(status__in=WAITING_STATUSES)
        .values("agency_id")
        .annotate(waiting=_sum("items"), overdue=_sum("overdue"))
    }
    figures = {
        r["key"]: r
        for r in compliance_figures(user=user, group_by="agency", filters=filters, today=today, grouped=grouped)
        if r["key"] is not None
    }
    histogram: dict[int, list[tuple[int, int]]] = {}
    for r in (
        _narrow(AnswerTimeSummary.objects.all(), user=user, filters=filters)
        .values("agency_id", "days_taken")
        .annotate(n=_sum("answers"))
        .order_by("agency_id", "days_taken")
    ):
        histogram.setdefault(r["agency_id"], []).append((r["days_taken"], r["n"]))
    ids = set(waiting) | set(figures)
    names = _names("agency", ids)
    rows = []
    for agency_id in ids:
        f = figures.get(agency_id, {})
        rows.append(
            {
                "key": agency_id,
                "name": names.get(agency_id, ""),
                "waiting": waiting.get(agency_id, {}).get("waiting", 0),
                "overdue": waiting.get(agency_id, {}).get("overdue", 0),
                "answered": f.get("answered", 0),
                "due": f.get("due", 0),
                "on_time_rate": f.get("on_time_rate"),
                "median_days": _median(histogram.get(agency_id, [])),
            }
        )
    rows.sort(key=lambda r: (-r["overdue"], -r["waiting"], vietnamese_sort_key(r["name"])))
    return rows


def _median(histogram: list[tuple[int, int]]) -> float | None:
    """The median of a sorted (value, count) histogram."""
    total = sum(n for _v, n in histogram)
    if not total:
        return None

    def nth(k: int) -> int:
        seen = 0
        for value, n in histogram:
            seen += n
            if seen > k:
                return value
        return histogram[-1][0]

    return (nth((total - 1) // 2) + nth(total // 2)) / 2


def summary_refreshed_at() -> datetime | None:
    return SummaryState.objects.filter(key="default").values_list("refreshed_at", flat=True).first()


def commune_league(
    *, user: Viewer, filters: FigureFilters, today: date | None = None, grouped: dict[str, list[Row]] | None = None
) -> list[Row]:
    """Communes ranked by answered-on-time rate (then answered rate), with their open and overdue items."""
    today = today or timezone.localdate()
    rows = compliance_figures(user=user, group_by="commune", filters=filters, today=today, grouped=grouped)
    open_now = {
        r["commune_id"]: r
        for r in _narrow(OpenItemSnapshot.objects.all(), user=user, filters=filters, dated=False)
        .values("commune_id")
        .annotate(open=_sum("items"), overdue=_sum("overdue"))
    }
    for row in rows:
        row["open"] = open_now.get(row["key"], {}).get("open", 0)
        row["overdue"] = open_now.get(row["key"], {}).get("overdue", 0)
    rows.sort(
        key=lambda r: (
            r["on_time_rate"] is None,
            -(r["on_time_rate"] or 0),
            -(r["answered_rate"] or 0),
            r["overdue"],
            r["name"],
        )
    )
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    return rows


def targets_status(*, user: Viewer, year: int) -> list[Any]:
    """The province's value of every indicator for the year (rolled up by the targets app)."""
    from targets.models import Dimension
    from targets.selectors import values_for_user

    return list(
        values_for_user(user=user)
        .filter(dimension=Dimension.PROVINCE, period__code=str(year))
        .order_by("indicator__target__order", "indicator__order")
    )


def programmes_progress(*, user: Viewer, year: int) -> list[Any]:
    from programs.selectors import programme_progress_list

    return list(programme_progress_list(user=user, year=year))


@dataclass
class Dashboard:
    filters: FigureFilters
    totals: Row
    months: list[Row]
    categories: list[Row]
    communes: list[Row]
    agencies: list[Row]
    targets: list[Any]
    programmes: list[Any]
    refreshed_at: datetime | None = None


def dashboard_build(*, user: Viewer, filters: FigureFilters, with_league: bool = True) -> Dashboard:
    today = timezone.localdate()
    year = filters.period.start.year
    grouped = figures_grouped(user=user, filters=filters, today=today)
    return Dashboard(
        filters=filters,
        totals=figures_totals(user=user, filters=filters, today=today, grouped=grouped),
        months=figures_by_month(user=user, filters=filters, today=today, grouped=grouped),
        categories=compliance_figures(user=user, group_by="category", filters=filters, today=today, grouped=grouped),
        communes=commune_league(user=user, filters=filters, today=today, grouped=grouped) if with_league else [],
        agencies=agency_table(user=user, filters=filters, today=today, grouped=grouped),
        targets=targets_status(user=user, year=year),
        programmes=programmes_progress(user=user, year=year),
        refreshed_at=summary_refreshed_at(),
    )


_GROUP_KEYS = {"month": "date_trunc('month', period_day)::date", **GROUPS}


def figures_grouped(
    *, user: Viewer, filters: FigureFilters, today: date | None = None, groups: Sequence[str] = DASHBOARD_GROUPS
) -> dict[str, list[Row]]:
    """The totals (``"total"``) and the figures by each of ``groups`` (``month`` or a key of ``GROUPS``) in
    ONE scan of the summary rows (GROUPING SETS). A deadline counts once it has passed (target A1: "items
    whose answer deadline has passed"): the ``due*`` measures sum only the days before today."""
    today = today or timezone.localdate()
    result: dict[str, list[Row]] = {"total": [], **{g: [] for g in groups}}
    rows_sql = _figure_rows(user=user, filters=filters, today=today)
    if rows_sql is None:
        return result
    inner, params = rows_sql
    keys = [_GROUP_KEYS[g] for g in groups]
    sums, due_params = [], []
    for name in MEASURES:
        if name.startswith("due"):
            sums.append(f"COALESCE(SUM({name}) FILTER (WHERE period_day < %s), 0)::int")
            due_params.append(today)
        else:
            sums.append(f"COALESCE(SUM({name}), 0)::int")
    select = [*keys, *(f"GROUPING({k})" for k in keys), *sums]
    sets = ", ".join(["()", *(f"({k})" for k in keys)])
    sql = f"SELECT {', '.join(select)} FROM ({inner}) AS s GROUP BY GROUPING SETS ({sets})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*due_params, *params])
        fetched = cursor.fetchall()
    width = len(keys)
    for row in fetched:
        values, flags, measures = row[:width], row[width : 2 * width], row[2 * width :]
        figures = dict(zip(MEASURES, measures, strict=True))
        grouped_by = [i for i, flag in enumerate(flags) if flag == 0]
        if not grouped_by:
            result["total"].append(figures)
        else:
            result[groups[grouped_by[0]]].append({"key": values[grouped_by[0]], **figures})
    return result
