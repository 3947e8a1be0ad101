# ruff: noqa: S608 -- the SQL is assembled from constants of this module; values go in as parameters.
"""Set-based statistics over feedback items, for the summary tables that dashboards and the API read.

These selectors return SQL (a SELECT with its parameters) rather than rows, so the caller can write
``INSERT INTO summary SELECT ...`` and the grouping runs inside PostgreSQL: the item table is scanned by
the scheduled job, never by a page request. The measures follow target A1 (DOMAIN §5): of the lawful and
legitimate items whose answer deadline falls on a day, how many were answered, answered on time, resolved.
"""

from datetime import date

from django.conf import settings

from ..models import OPEN_STATUSES, Item, Status

_ITEM = Item._meta.db_table

# Columns of every row, in order: the day, the six dimensions, then the measures.
DIMENSIONS = ("commune_id", "agency_id", "source_organization_id", "category_id", "type", "channel")
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


def _local_day(column: str) -> str:
    return f"({column} AT TIME ZONE %s)::date"


def daily_item_figures_sql(*, days: list[date] | None = None) -> tuple[str, list]:
    """One row per (day, dimensions) with the day's measures; only the given days when ``days`` is set."""
    tz = settings.TIME_ZONE
    dims = "commune_id, current_agency_id, source_organization_id, category_id, type, channel"
    parts: list[str] = []
    params: list = []
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
        f"FROM {_ITEM} WHERE answer_due_date IS NOT NULL AND is_legitimate"
    )
    if days is not None:
        due_sql += " AND answer_due_date = ANY(%s::date[])"
        params.append(days)
    parts.append(due_sql)
    sums = ", ".join(f"SUM(m{i})::int" for i in range(len(MEASURES)))
    inner_cols = ", ".join(f"m{i}" for i in range(len(MEASURES)))
    union = " UNION ALL ".join(parts)
    sql = (
        f"SELECT day, commune_id, agency_id, source_organization_id, category_id, type, channel, {sums} "
        f"FROM ({union}) AS u(day, commune_id, agency_id, source_organization_id, category_id, type, channel, "
        f"{inner_cols}) GROUP BY day, commune_id, agency_id, source_organization_id, category_id, type, channel"
    )
    return sql, params


def answer_time_sql(*, days: list[date] | None = None) -> tuple[str, list]:
    """Answers per (answer day, commune, agency, category, type, channel, days taken since forwarding)."""
    tz = settings.TIME_ZONE
    answered_day = _local_day("answered_at")
    taken = f"GREATEST({answered_day} - {_local_day('forwarded_at')}, 0)"
    sql = (
        f"SELECT {answered_day} AS day, commune_id, current_agency_id, category_id, type, channel, "
        f"{taken} AS days_taken, COUNT(*)::int FROM {_ITEM} "
        "WHERE answered_at IS NOT NULL AND forwarded_at IS NOT NULL AND current_agency_id IS NOT NULL"
    )
    params: list = [tz, tz, tz]
    if days is not None:
        sql += f" AND {answered_day} = ANY(%s::date[])"
        params.extend([tz, days])
    sql += " GROUP BY 1, 2, 3, 4, 5, 6, 7"
    return sql, params


def open_items_sql(*, today: date) -> tuple[str, list]:
    """The open items now, per dimensions and status, with how many are past their current due date."""
    statuses = [s.value for s in OPEN_STATUSES]
    sql = (
        "SELECT commune_id, current_agency_id, source_organization_id, category_id, type, channel, status, "
        "COUNT(*)::int, COUNT(*) FILTER (WHERE due_date < %s)::int "
        f"FROM {_ITEM} WHERE status = ANY(%s) GROUP BY 1, 2, 3, 4, 5, 6, 7"
    )
    return sql, [today, statuses]


def days_touched_since_sql(*, since) -> tuple[str, list]:
    """Every day whose figures may have changed since ``since``: the dates of the items changed since then."""
    tz = settings.TIME_ZONE
    sql = (
        f"SELECT DISTINCT d FROM {_ITEM}, LATERAL (VALUES ({_local_day('received_at')}), "
        f"({_local_day('answered_at')}), ({_local_day('closed_at')}), (answer_due_date)) AS v(d) "
        "WHERE updated_at >= %s AND d IS NOT NULL "
        "UNION SELECT DISTINCT due_date FROM feedback_itemevent WHERE created_at >= %s AND due_date IS NOT NULL"
    )
    return sql, [tz, tz, tz, since, since]
