"""Reads of the reports app: figures from the summary tables, scoped to the viewer.

Every function takes the viewer (a staff user or an API token's service identity) and narrows with
``organizations.selectors.user_scope``: the province sees everything, a commune Front its communes, an
agency the items forwarded to it.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import IntegerField, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from feedback.models import Category, ItemType, Status
from mttq_portal.text import fold_vietnamese
from organizations.models import AdministrativeUnit, Organization
from organizations.scope import figures_q
from organizations.selectors import user_scope

from .models import AnswerTimeSummary, DailyItemSummary, OpenItemSnapshot, SummaryState
from .periods import Period, period_parse

GROUPS = {
    "commune": "commune_id",
    "agency": "agency_id",
    "organization": "source_organization_id",
    "category": "category_id",
    "type": "type",
    "channel": "channel",
}
WAITING_STATUSES = (Status.FORWARDED, Status.REOPENED)


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
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_query(cls, params) -> "FigureFilters":
        from django.utils.translation import gettext as _

        from mttq_portal.errors import ApplicationError

        def as_id(name):
            value = (params.get(name) or "").strip()
            if not value:
                return None
            if not value.isdigit():
                raise ApplicationError(
                    _("“%(value)s” is not a valid identifier.") % {"value": value}, fields={name: [value]}
                )
            return int(value)

        return cls(
            period=period_parse(params.get("period")),
            commune_id=as_id("commune"),
            category_id=as_id("category"),
            type=(params.get("type") or "").strip(),
            channel=(params.get("channel") or "").strip(),
            agency_id=as_id("agency"),
            organization_id=as_id("organization"),
        )

    def as_query(self) -> dict:
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


def _scope_q(user) -> Q | None:
    """None when the viewer may see no figures at all (``organizations.scope.figures_q``)."""
    return figures_q(user_scope(user=user), commune_field="commune_id", agency_field="agency_id")


def _narrow(qs: QuerySet, *, user, filters: FigureFilters, dated: bool = True) -> QuerySet:
    scope_q = _scope_q(user)
    if scope_q is None:
        return qs.none()
    qs = qs.filter(scope_q)
    if dated:
        qs = qs.filter(day__gte=filters.period.start, day__lt=filters.period.end)
    for column, value in (
        ("commune_id", filters.commune_id),
        ("category_id", filters.category_id),
        ("type", filters.type),
        ("channel", filters.channel),
        ("agency_id", filters.agency_id),
    ):
        if value not in (None, ""):
            qs = qs.filter(**{column: value})
    if filters.organization_id and qs.model is not AnswerTimeSummary:
        qs = qs.filter(source_organization_id=filters.organization_id)
    if filters.campaign_id and qs.model is DailyItemSummary:
        qs = qs.filter(campaign_id=filters.campaign_id)
    return qs


def _sum(name: str, **extra):
    return Coalesce(Sum(name, **extra), 0, output_field=IntegerField())


def _measures(today: date) -> dict:
    # A deadline counts once it has passed (target A1: "items whose answer deadline has passed").
    passed = Q(day__lt=today)
    return {
        "received": _sum("received"),
        "answered": _sum("answered"),
        "answered_on_time": _sum("answered_on_time"),
        "resolved": _sum("resolved"),
        "due": _sum("due", filter=passed),
        "due_answered": _sum("due_answered", filter=passed),
        "due_on_time": _sum("due_on_time", filter=passed),
        "due_resolved": _sum("due_resolved", filter=passed),
    }


def _rate(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def _with_rates(row: dict) -> dict:
    row["answered_rate"] = _rate(row["due_answered"], row["due"])
    row["on_time_rate"] = _rate(row["due_on_time"], row["due"])
    row["resolved_rate"] = _rate(row["due_resolved"], row["due"])
    return row


def _names(group_by: str, keys) -> dict:
    keys = [k for k in keys if k is not None]
    if group_by == "commune":
        return dict(AdministrativeUnit.objects.filter(id__in=keys).values_list("id", "name"))
    if group_by in ("agency", "organization"):
        return dict(Organization.objects.filter(id__in=keys).values_list("id", "name"))
    if group_by == "category":
        return {c.id: c.name for c in Category.objects.filter(id__in=keys)}
    if group_by == "type":
        return dict(ItemType.choices)
    if group_by == "channel":
        from feedback.models import Channel

        return dict(Channel.choices)
    return {}


def compliance_figures(
    *, user, group_by: str, filters: FigureFilters, today: date | None = None, grouped: dict | None = None
) -> list[dict]:
    """Flow figures per group (received, answered, on time, resolved) and the rates over the lawful and
    legitimate items whose deadline passed (``feedback.selectors.figures``; not target A1's own set)."""
    today = today or timezone.localdate()
    column = GROUPS[group_by]
    if grouped is not None and group_by in grouped:
        rows = [{column: r["key"], **{k: v for k, v in r.items() if k != "key"}} for r in grouped[group_by]]
    else:
        rows = list(
            _narrow(DailyItemSummary.objects.all(), user=user, filters=filters)
            .values(column)
            .annotate(**_measures(today))
            .order_by(column)
        )
    names = _names(group_by, [r[column] for r in rows])
    result = []
    for row in rows:
        key = row.pop(column)
        result.append(_with_rates({"key": key, "name": str(names.get(key, "")) if key is not None else "", **row}))
    # Vietnamese order (Đ with D, before E), not code-point order.
    result.sort(key=lambda r: (r["name"] == "", fold_vietnamese(r["name"]), r["name"]))
    return result


def figures_totals(*, user, filters: FigureFilters, today: date | None = None, grouped: dict | None = None) -> dict:
    today = today or timezone.localdate()
    if grouped is not None:
        totals = grouped["total"][0] if grouped["total"] else dict.fromkeys(_measures(today), 0)
    else:
        totals = _narrow(DailyItemSummary.objects.all(), user=user, filters=filters).aggregate(**_measures(today))
    open_now = _narrow(OpenItemSnapshot.objects.all(), user=user, filters=filters, dated=False).aggregate(
        open=_sum("items"), overdue=_sum("overdue")
    )
    return _with_rates({**totals, "in_progress": open_now["open"], "overdue_now": open_now["overdue"]})


def figures_by_month(*, user, filters: FigureFilters, today: date | None = None, grouped: dict | None = None):
    today = today or timezone.localdate()
    if grouped is not None:
        rows = {r["key"]: r for r in grouped["month"]}
    else:
        rows = {
            r["month"]: r
            for r in _narrow(DailyItemSummary.objects.all(), user=user, filters=filters)
            .annotate(month=TruncMonth("day"))
            .values("month")
            .annotate(**_measures(today))
            .order_by("month")
        }
    empty = dict.fromkeys(_measures(today), 0)
    months = []
    current = today.replace(day=1)
    for month in filters.period.months():
        if month > current:
            break  # months to come are not drawn as zeros
        row = {**empty, **rows.get(month, {}), "month": month, "in_progress": month == current}
        row.pop("key", None)
        months.append(_with_rates(row))
    return months


def agency_table(*, user, filters: FigureFilters, today: date | None = None, grouped: dict | None = None) -> list[dict]:
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
        for r in compliance_figures(user=user, group_by="agency", filters=filters, today=today)
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
    rows.sort(key=lambda r: (-r["overdue"], -r["waiting"], r["name"]))
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


def summary_refreshed_at():
    return SummaryState.objects.filter(key="default").values_list("refreshed_at", flat=True).first()


def commune_league(*, user, filters: FigureFilters, today: date | None = None, grouped: dict | None = None):
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


def targets_status(*, user, year: int) -> list:
    """The province's value of every indicator for the year (rolled up by the targets app)."""
    from targets.models import Dimension
    from targets.selectors import values_for_user

    return list(
        values_for_user(user=user)
        .filter(dimension=Dimension.PROVINCE, period__code=str(year))
        .order_by("indicator__target__order", "indicator__order")
    )


def programmes_progress(*, user, year: int) -> list:
    from programs.selectors import programme_progress_list

    return programme_progress_list(user=user, year=year)


@dataclass
class Dashboard:
    filters: FigureFilters
    totals: dict
    months: list[dict]
    categories: list[dict]
    communes: list[dict]
    agencies: list[dict]
    targets: list
    programmes: list
    refreshed_at: object = None


def dashboard_build(*, user, filters: FigureFilters, with_league: bool = True) -> Dashboard:
    today = timezone.localdate()
    year = filters.period.start.year
    grouped = figures_grouped(user=user, filters=filters, today=today)
    common = {"user": user, "filters": filters, "today": today, "grouped": grouped}
    return Dashboard(
        filters=filters,
        totals=figures_totals(**common),
        months=figures_by_month(**common),
        categories=compliance_figures(group_by="category", **common),
        communes=commune_league(**common) if with_league else [],
        agencies=agency_table(**common),
        targets=targets_status(user=user, year=year),
        programmes=programmes_progress(user=user, year=year),
        refreshed_at=summary_refreshed_at(),
    )


_GROUPING_COLUMNS = {
    "month": "date_trunc('month', day)::date",
    "category": "category_id",
    "commune": "commune_id",
    "agency": "agency_id",
}


def _where(*, user, filters: FigureFilters) -> tuple[str, list] | None:
    """The WHERE clause ``_narrow`` builds, in SQL, for the one-scan query below."""
    scope = user_scope(user=user)
    clauses: list[str] = ["day >= %s", "day < %s"]
    params: list[Any] = [filters.period.start, filters.period.end]
    if not (scope.sees_whole_province or scope.is_board_viewer):
        if not (scope.front_unit_ids or scope.agency_ids):
            return None
        clauses.append("(commune_id = ANY(%s) OR agency_id = ANY(%s))")
        params += [sorted(scope.front_unit_ids), sorted(scope.agency_ids)]
    for column, value in (
        ("commune_id", filters.commune_id),
        ("category_id", filters.category_id),
        ("type", filters.type),
        ("channel", filters.channel),
        ("agency_id", filters.agency_id),
        ("source_organization_id", filters.organization_id),
        ("campaign_id", filters.campaign_id),
    ):
        if value not in (None, ""):
            clauses.append(f"{column} = %s")
            params.append(value)
    return " AND ".join(clauses), params


def figures_grouped(*, user, filters: FigureFilters, today: date | None = None) -> dict[str, list[dict]]:
    """Totals and the figures by month, category, commune and agency in ONE scan of the summary table
    (GROUPING SETS), so the dashboard reads the table once instead of five times."""
    from django.db import connection

    today = today or timezone.localdate()
    where = _where(user=user, filters=filters)
    result: dict[str, list[dict]] = {"total": [], "month": [], "category": [], "commune": [], "agency": []}
    if where is None:
        return result
    clause, params = where
    names = list(_measures(today))
    sums = []
    for name in names:
        if name.startswith("due"):
            sums.append(f"COALESCE(SUM({name}) FILTER (WHERE day < %s), 0)::int")
        else:
            sums.append(f"COALESCE(SUM({name}), 0)::int")
    due_params = [today] * sum(1 for n in names if n.startswith("due"))
    keys = ", ".join(_GROUPING_COLUMNS.values())
    grouping = ", ".join(f"GROUPING({c})" for c in _GROUPING_COLUMNS.values())
    sets = ", ".join(["()"] + [f"({c})" for c in _GROUPING_COLUMNS.values()])
    sql = (
        f"SELECT {keys}, {grouping}, {', '.join(sums)} FROM {DailyItemSummary._meta.db_table} "  # noqa: S608
        f"WHERE {clause} GROUP BY GROUPING SETS ({sets})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, due_params + params)
        rows = cursor.fetchall()
    width = len(_GROUPING_COLUMNS)
    for row in rows:
        values, flags, measures = row[:width], row[width : 2 * width], row[2 * width :]
        figures = dict(zip(names, measures, strict=True))
        absent = [i for i, flag in enumerate(flags) if flag == 0]
        if not absent:
            result["total"].append(figures)
            continue
        group = list(_GROUPING_COLUMNS)[absent[0]]
        result[group].append({"key": values[absent[0]], **figures})
    return result
