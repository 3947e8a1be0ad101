# ruff: noqa: S608 -- table names are model constants; values go in as parameters.
"""Writes of the reports app: refreshing the summary tables (set-based) and logging exports."""

from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

from feedback.selectors.statistics import (
    DIMENSIONS,
    MEASURES,
    answer_time_sql,
    daily_item_figures_sql,
    days_touched_since_sql,
    open_items_sql,
)

from .models import AnswerTimeSummary, DailyItemSummary, ExportLog, MonthlyItemSummary, OpenItemSnapshot, SummaryState

_DAILY = DailyItemSummary._meta.db_table
_ANSWER = AnswerTimeSummary._meta.db_table
_MONTHLY = MonthlyItemSummary._meta.db_table
_OPEN = OpenItemSnapshot._meta.db_table
_DIMENSIONS = ", ".join(DIMENSIONS)
_MEASURES = ", ".join(MEASURES)
_DAILY_COLS = f"day, {_DIMENSIONS}, {_MEASURES}"
_ANSWER_COLS = "day, commune_id, agency_id, category_id, type, channel, days_taken, answers"
_OPEN_COLS = "commune_id, agency_id, source_organization_id, category_id, type, channel, status, items, overdue"


def summary_refresh(*, full: bool = False, now: datetime | None = None) -> dict:
    """Bring the summary tables up to date. Safe to run twice and concurrently (one runs, the other waits).

    Incremental by default: only the days touched by items changed since the last run are recomputed
    (delete those days, insert them again from one grouped SELECT). ``full`` rebuilds everything; the
    nightly run does so, which also repairs anything an incremental run could not see.
    """
    now = now or timezone.now()
    with transaction.atomic():
        state, _created = SummaryState.objects.select_for_update().get_or_create(key="default")
        since = None if full or state.refreshed_at is None else state.refreshed_at
        with connection.cursor() as cursor:
            if since is None:
                days = None
                # TRUNCATE, not DELETE: a nightly rebuild must not leave the table full of dead rows.
                cursor.execute(f"TRUNCATE {_DAILY}, {_ANSWER}, {_MONTHLY}")
            else:
                sql, params = days_touched_since_sql(since=since)
                cursor.execute(sql, params)
                days = [row[0] for row in cursor.fetchall()]
                if days:
                    cursor.execute(f"DELETE FROM {_DAILY} WHERE day = ANY(%s::date[])", [days])
                    cursor.execute(f"DELETE FROM {_ANSWER} WHERE day = ANY(%s::date[])", [days])
            if days is None or days:
                sql, params = daily_item_figures_sql(days=days)
                cursor.execute(f"INSERT INTO {_DAILY} ({_DAILY_COLS}) {sql}", params)
                sql, params = answer_time_sql(days=days)
                cursor.execute(f"INSERT INTO {_ANSWER} ({_ANSWER_COLS}) {sql}", params)
                _monthly_rebuild(cursor, days=days)
            # The open items are few next to all items and "overdue" moves with the clock: rebuilt every run.
            cursor.execute(f"TRUNCATE {_OPEN}")
            sql, params = open_items_sql(today=timezone.localdate(now))
            cursor.execute(f"INSERT INTO {_OPEN} ({_OPEN_COLS}) {sql}", params)
        state.refreshed_at = now
        fields = ["refreshed_at"]
        if since is None:
            state.full_rebuild_at = now
            fields.append("full_rebuild_at")
        state.save(update_fields=fields)
    if since is None or days:
        # Fresh statistics, so the planner knows how many rows a period holds.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {_DAILY}, {_ANSWER}, {_MONTHLY}, {_OPEN}")
    return {"full": since is None, "days": None if days is None else len(days)}


def _monthly_rebuild(cursor: CursorWrapper, *, days: list[date] | None) -> None:
    """Sum the daily rows of the months of ``days`` (every month when None) into the monthly table, in the
    transaction that rebuilt those days: a month's row is always the sum of its days (ADR 0169)."""
    where, params = "", []
    if days is not None:
        months = sorted({d.replace(day=1) for d in days})
        cursor.execute(f"DELETE FROM {_MONTHLY} WHERE month = ANY(%s::date[])", [months])
        # A range first, so the daily table's index on the day narrows the scan to the touched months.
        where = "WHERE day >= %s AND day < %s AND date_trunc('month', day)::date = ANY(%s::date[])"
        params = [months[0], (months[-1] + timedelta(days=32)).replace(day=1), months]
    sums = ", ".join(f"SUM({m})::int" for m in _MEASURES.split(", "))
    cursor.execute(
        f"INSERT INTO {_MONTHLY} (month, {_DIMENSIONS}, {_MEASURES}) "
        f"SELECT date_trunc('month', day)::date, {_DIMENSIONS}, {sums} FROM {_DAILY} {where} "
        f"GROUP BY date_trunc('month', day)::date, {_DIMENSIONS}",
        params,
    )


def export_log(
    *,
    kind: str,
    what: str,
    user=None,
    api_token=None,
    filters: dict | None = None,
    rows: int = 0,
    with_personal_data: bool = False,
) -> ExportLog:
    return ExportLog.objects.create(
        user=user if getattr(user, "pk", None) else None,
        api_token=api_token,
        kind=kind,
        what=what,
        filters={k: v for k, v in (filters or {}).items() if v not in ("", None)},
        rows=rows,
        with_personal_data=with_personal_data,
    )
