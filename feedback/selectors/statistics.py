# ruff: noqa: S608 -- the SQL is assembled from constants of this module; values go in as parameters.
"""Set-based statistics over feedback items, for the summary tables that dashboards and the API read.

These selectors return SQL (a SELECT with its parameters) rather than rows, so the caller can write
``INSERT INTO summary SELECT ...`` and the grouping runs inside PostgreSQL: the item table is scanned by
the scheduled job, never by a page request. The measures follow target A1 (DOMAIN §5): of the lawful and
legitimate items whose answer deadline falls on a day, how many were answered, answered on time, resolved.

The ORM aggregates at the end (``answer_compliance_counts``, ``portal_use_counts``) serve the targets app's
compliance rollup: one GROUP BY each, plain rows back, so targets never loops over items.
"""

from datetime import date, datetime, time, timedelta
from typing import TypedDict

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractQuarter
from django.utils import timezone

from organizations.models import Organization

from ..models import NOT_COUNTED_STATUSES, OPEN_STATUSES, EventKind, HandlingLevel, Item, ItemEvent, Status

# The legitimacy rule and the excluded statuses live in ``figures.py``, the one definition of each figure.
from .figures import A1_SOURCE_KINDS, FRONT_OWN_RECOMMENDATION_TYPES, FRONT_OWN_TYPES
from .figures import legitimate as _legitimate

_ITEM = Item._meta.db_table

# Columns of every row, in order: the day, the six dimensions, then the measures.
DIMENSIONS = ("commune_id", "agency_id", "source_organization_id", "category_id", "type", "channel", "campaign_id")
MEASURES = (
    "received",
    "answered",
    "answered_on_time",
    "resolved",
    "due",
    "due_answered",
    "due_on_time",
    "due_resolved",
)


def _a1_where() -> str:
    """``figures.legitimate()`` in SQL, for the summaries' deadline figures (kept in step by a test)."""
    own = ", ".join(f"'{t.value}'" for t in FRONT_OWN_TYPES)
    own_recommendations = ", ".join(f"'{t.value}'" for t in FRONT_OWN_RECOMMENDATION_TYPES)
    kinds = ", ".join(f"'{k.value}'" for k in A1_SOURCE_KINDS)
    gone = ", ".join(f"'{s.value}'" for s in sorted(NOT_COUNTED_STATUSES))
    by_source = f"source_organization_id IN (SELECT id FROM {Organization._meta.db_table} WHERE kind IN ({kinds}))"
    return (
        f"(is_legitimate OR (is_legitimate IS NULL AND (type IN ({own}) OR type IN ({own_recommendations}) "
        f"OR {by_source}))) AND status NOT IN ({gone})"
    )


def _local_day(column: str) -> str:
    return f"({column} AT TIME ZONE %s)::date"


def daily_item_figures_sql(*, days: list[date] | None = None) -> tuple[str, list[object]]:
    """One row per (day, dimensions) with the day's measures; only the given days when ``days`` is set."""
    tz = settings.TIME_ZONE
    dims = "commune_id, current_agency_id, source_organization_id, category_id, type, channel, campaign_id"
    parts: list[str] = []
    params: list[object] = []
    received_day = _local_day("received_at")
    answered_day = _local_day("answered_at")
    closed_day = _local_day("closed_at")
    # Each SELECT names the day expression twice (select list and filter), each with its tz parameter.
    for day_expr, measures, where in (
        (received_day, "1, 0, 0, 0, 0, 0, 0, 0", "TRUE"),
        (
            answered_day,
            "0, 1, CASE WHEN answer_on_time THEN 1 ELSE 0 END, 0, 0, 0, 0, 0",
            "answered_at IS NOT NULL",
        ),
        (closed_day, "0, 0, 0, 1, 0, 0, 0, 0", f"closed_at IS NOT NULL AND status = '{Status.RESOLVED.value}'"),
    ):
        sql = f"SELECT {day_expr} AS day, {dims}, {measures} FROM {_ITEM} WHERE {where}"
        params.append(tz)
        if days is not None:
            sql += f" AND {day_expr} = ANY(%s::date[])"
            params.extend([tz, days])
        parts.append(sql)
    due_sql = (
        f"SELECT answer_due_date AS day, {dims}, 0, 0, 0, 0, 1, "
        "CASE WHEN answered_at IS NOT NULL THEN 1 ELSE 0 END, "
        "CASE WHEN answer_on_time THEN 1 ELSE 0 END, "
        f"CASE WHEN status = '{Status.RESOLVED.value}' THEN 1 ELSE 0 END "
        f"FROM {_ITEM} WHERE answer_due_date IS NOT NULL AND {_a1_where()}"
    )
    if days is not None:
        due_sql += " AND answer_due_date = ANY(%s::date[])"
        params.append(days)
    parts.append(due_sql)
    sums = ", ".join(f"SUM(m{i})::int" for i in range(len(MEASURES)))
    inner_cols = ", ".join(f"m{i}" for i in range(len(MEASURES)))
    union = " UNION ALL ".join(parts)
    sql = (
        f"SELECT day, commune_id, agency_id, source_organization_id, category_id, type, channel, campaign_id, {sums} "
        f"FROM ({union}) AS u(day, commune_id, agency_id, source_organization_id, category_id, type, channel, "
        f"campaign_id, {inner_cols}) "
        "GROUP BY day, commune_id, agency_id, source_organization_id, category_id, type, channel, campaign_id"
    )
    return sql, params


def answer_time_sql(*, days: list[date] | None = None) -> tuple[str, list[object]]:
    """Answers per (answer day, commune, agency, category, type, channel, days taken since forwarding)."""
    tz = settings.TIME_ZONE
    answered_day = _local_day("answered_at")
    taken = f"GREATEST({answered_day} - {_local_day('forwarded_at')}, 0)"
    sql = (
        f"SELECT {answered_day} AS day, commune_id, current_agency_id, category_id, type, channel, "
        f"{taken} AS days_taken, COUNT(*)::int FROM {_ITEM} "
        "WHERE answered_at IS NOT NULL AND forwarded_at IS NOT NULL AND current_agency_id IS NOT NULL"
    )
    params: list[object] = [tz, tz, tz]
    if days is not None:
        sql += f" AND {answered_day} = ANY(%s::date[])"
        params.extend([tz, days])
    sql += " GROUP BY 1, 2, 3, 4, 5, 6, 7"
    return sql, params


def open_items_sql(*, today: date) -> tuple[str, list[object]]:
    """The open items now, per dimensions and status, with how many are past their current due date.

    An answered item waits for the Front's check: the agency's clock has stopped, so it is not overdue."""
    statuses = [s.value for s in OPEN_STATUSES]
    sql = (
        "SELECT commune_id, current_agency_id, source_organization_id, category_id, type, channel, status, "
        f"COUNT(*)::int, COUNT(*) FILTER (WHERE due_date < %s AND status <> '{Status.ANSWERED.value}')::int "
        f"FROM {_ITEM} WHERE status = ANY(%s) GROUP BY 1, 2, 3, 4, 5, 6, 7"
    )
    return sql, [today, statuses]


def days_touched_since_sql(*, since: datetime) -> tuple[str, list[object]]:
    """Every day whose figures may have changed since ``since``: the dates of the items changed since then."""
    tz = settings.TIME_ZONE
    sql = (
        f"SELECT DISTINCT d FROM {_ITEM}, LATERAL (VALUES ({_local_day('received_at')}), "
        f"({_local_day('answered_at')}), ({_local_day('closed_at')}), (answer_due_date)) AS v(d) "
        "WHERE updated_at >= %s AND d IS NOT NULL "
        "UNION SELECT DISTINCT due_date FROM feedback_itemevent WHERE created_at >= %s AND due_date IS NOT NULL"
    )
    return sql, [tz, tz, tz, since, since]


# Group keys callers may ask for: the dimension name -> the item column.
ANSWER_DIMENSIONS = {
    "province": None,
    "commune": "commune_id",
    "agency": "current_agency_id",
    "source_organization": "source_organization_id",
    "category": "category_id",
}


def counted_for_a1() -> Q:
    """Lawful and legitimate items (``figures.legitimate``): the set of the deadline figures."""
    return _legitimate()


def answer_deadline_items(*, due_from: date, due_to: date) -> QuerySet[Item]:
    """The items target A1 counts: lawful and legitimate, not merged, withdrawn or rejected, whose answer
    deadline fell between ``due_from`` and ``due_to`` (inclusive). Items not yet due are left out by the
    caller passing ``due_to`` no later than yesterday."""
    return Item.objects.filter(counted_for_a1(), answer_due_date__gte=due_from, answer_due_date__lte=due_to)


class AnswerComplianceCount(TypedDict):
    """One row of ``answer_compliance_counts``: the group key (0 for the province), the deadline's quarter."""

    key: int
    quarter: int
    due: int
    answered: int
    on_time: int
    resolved: int


def answer_compliance_counts(*, due_from: date, due_to: date, dimension: str) -> list[AnswerComplianceCount]:
    """One GROUP BY (dimension key, quarter of the deadline): due, answered, answered on time, resolved.

    Answered: an answer was recorded (``answered_at``), even if the citizen later reopened the matter.
    On time: the flag frozen when the answer step closed (``answer_on_time``), never recomputed from dates.
    Resolved: closed as resolved (not "on the roadmap" nor "cannot be resolved")."""
    column = ANSWER_DIMENSIONS[dimension]
    qs = answer_deadline_items(due_from=due_from, due_to=due_to)
    if column:
        qs = qs.filter(**{f"{column}__isnull": False})
    keys = [column] if column else []
    rows = (
        qs.annotate(quarter=ExtractQuarter("answer_due_date"))
        .values(*keys, "quarter")
        .annotate(
            due=Count("id"),
            answered=Count("id", filter=Q(answered_at__isnull=False)),
            on_time=Count("id", filter=Q(answered_at__isnull=False, answer_on_time=True)),
            resolved=Count("id", filter=Q(status=Status.RESOLVED)),
        )
        .order_by()
    )
    return [
        AnswerComplianceCount(
            key=row[column] if column else 0,
            quarter=row["quarter"],
            due=row["due"],
            answered=row["answered"],
            on_time=row["on_time"],
            resolved=row["resolved"],
        )
        for row in rows
    ]


# What the Front does in the portal, by the move recorded on the transition event.
TRIAGE_MOVES = ("accept", "reject", "merge", "forward")
CLOSE_MOVES = ("resolve", "roadmap", "cannot_resolve")


def _local_midnight(day: date, plus_days: int = 0) -> datetime:
    """Start of a local day as an aware datetime: a range on it can use the index on ``created_at``."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=plus_days), time.min))


def portal_use_counts(*, since: date, until: date) -> list[dict[str, int]]:
    """One GROUP BY over the event rows of the period: per commune (``key`` = commune id, or 0 for items
    handled by the provincial Front) and quarter, how many items the Front received, triaged and closed."""
    # Plain dicts of ints, not a TypedDict: the rollup sums the three counts by iterating their names.
    rows = (
        ItemEvent.objects.filter(created_at__gte=_local_midnight(since), created_at__lt=_local_midnight(until, 1))
        .filter(Q(kind=EventKind.SUBMITTED) | Q(kind=EventKind.TRANSITION))
        .annotate(quarter=ExtractQuarter("created_at"))
        .values("item__commune_id", "item__handling_level", "quarter")
        .annotate(
            received=Count("id", filter=Q(kind=EventKind.SUBMITTED)),
            triaged=Count("id", filter=Q(kind=EventKind.TRANSITION, data__move__in=TRIAGE_MOVES)),
            closed=Count("id", filter=Q(kind=EventKind.TRANSITION, data__move__in=CLOSE_MOVES)),
        )
        .order_by()
    )
    return [
        {
            "key": 0 if row["item__handling_level"] == HandlingLevel.PROVINCE else row["item__commune_id"],
            "quarter": row["quarter"],
            "received": row["received"],
            "triaged": row["triaged"],
            "closed": row["closed"],
        }
        for row in rows
    ]


# What each measure of the summaries counts, as a filter on items: the list behind a number on a dashboard.
MEASURE_LABELS = (
    "received",
    "answered",
    "answered_on_time",
    "resolved",
    "due",
    "due_answered",
    "due_on_time",
    "due_resolved",
    "open",
    "overdue",
    "waiting",
    "waiting_overdue",
)


def items_for_measure(qs: QuerySet[Item], *, measure: str, start: date, end: date, today: date) -> QuerySet[Item]:
    """Narrow ``qs`` (already scoped by ``items_for_user``) to the items a summary measure counted."""
    from django.db.models import Q

    in_period = {"__date__gte": start, "__date__lt": end}  # [start, end), as every period
    if measure == "received":
        return qs.filter(**{f"received_at{k}": v for k, v in in_period.items()})
    if measure in ("answered", "answered_on_time"):
        qs = qs.filter(**{f"answered_at{k}": v for k, v in in_period.items()})
        return qs.filter(answer_on_time=True) if measure == "answered_on_time" else qs
    if measure == "resolved":
        return qs.filter(status=Status.RESOLVED, **{f"closed_at{k}": v for k, v in in_period.items()})
    if measure.startswith("due"):
        # Only deadlines that have passed (before today), as the summaries count them.
        last = min(end, today) - timedelta(days=1)
        qs = qs.filter(pk__in=answer_deadline_items(due_from=start, due_to=last).values("pk"))
        if measure == "due_answered":
            return qs.filter(answered_at__isnull=False)
        if measure == "due_on_time":
            return qs.filter(answer_on_time=True)
        if measure == "due_resolved":
            return qs.filter(status=Status.RESOLVED)
        return qs
    open_statuses = sorted(s.value for s in OPEN_STATUSES)
    if measure in ("open", "overdue"):
        qs = qs.filter(status__in=open_statuses)
        return qs.filter(due_date__lt=today).exclude(status=Status.ANSWERED) if measure == "overdue" else qs
    if measure in ("waiting", "waiting_overdue"):
        qs = qs.filter(status__in=[Status.FORWARDED, Status.REOPENED]).exclude(current_agency=None)
        return qs.filter(due_date__lt=today) if measure == "waiting_overdue" else qs
    return qs.filter(Q(pk__in=[]))
