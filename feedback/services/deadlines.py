"""Chasing deadlines (đôn đốc), the officers' daily digest, and retention of personal data.

``deadlines_chase`` runs every 15 minutes (beat) and on demand (``manage.py chase_deadlines``). For each
open step (triage by the Front: received, accepted, returned, reopened items with ``due_step = triage``;
answer by the agency: forwarded items with ``due_step = answer``) and each level it runs ONE statement:

    candidates (index on status, due_date)
    → INSERT INTO feedback_deadlinechase ... ON CONFLICT DO NOTHING RETURNING   (the once-only decision)
    → INSERT the REMINDER events and the notifications of the rows just inserted (who: ``AUDIENCES``)

so there is no Python loop over open items, and a second run, a retried run or a run on another beat host
inserts nothing (docs/adr/0031). Levels, by working days (the Vietnamese calendar, Tết included):

- reminder: due within ``DEADLINE_REMINDER_WORKING_DAYS`` working days (default 2), to the responsible;
- overdue: the due date has passed (sent the first working day after it), to the responsible;
- escalation: ``DEADLINE_ESCALATE_AFTER_WORKING_DAYS`` working days late, to the agency's superior and the
  provincial Front;
- board: ``DEADLINE_BOARD_AFTER_WORKING_DAYS`` working days late, onto the provincial board's overdue list.

On a day off nothing is sent (``DEADLINE_CHASE_ON_DAYS_OFF``); the next working day's run catches up.
"""

import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from ..deadlines import WorkingCalendar
from ..models import ANSWER_STATUSES, TRIAGE_STATUSES, ChaseLevel, EventKind, Step
from .notifications.audiences import AUDIENCES, audience_sql, staff_language
from .notifications.queueing import notifications_fan_out_queue, notifications_queue

# Enough for the statement's sorts and hashes of a busy day in memory (the server's default is 4MB).
CHASE_WORK_MEM = "64MB"

LEVEL_TEMPLATES = {
    ChaseLevel.REMINDER: "due_soon",
    ChaseLevel.OVERDUE: "overdue",
    ChaseLevel.ESCALATION: "escalated",
    ChaseLevel.BOARD: "board_overdue",
}


def working_days_ago(cal: WorkingCalendar, today: date, days: int) -> date:
    """The latest due date that is at least ``days`` working days behind ``today``."""
    day, counted = today, 0
    while counted < days:
        if cal.is_working_day(day):
            counted += 1
        day -= timedelta(days=1)
    return day


@dataclass(frozen=True)
class Window:
    level: ChaseLevel
    first: date | None  # earliest due date concerned (None: no lower bound)
    last: date  # latest due date concerned


def chase_windows(*, today: date, cal: WorkingCalendar) -> list[Window]:
    yesterday = today - timedelta(days=1)
    return [
        Window(ChaseLevel.REMINDER, today, cal.add_working_days(today, settings.DEADLINE_REMINDER_WORKING_DAYS)),
        Window(ChaseLevel.OVERDUE, None, yesterday),
        Window(
            ChaseLevel.ESCALATION, None, working_days_ago(cal, today, settings.DEADLINE_ESCALATE_AFTER_WORKING_DAYS)
        ),
        Window(ChaseLevel.BOARD, None, working_days_ago(cal, today, settings.DEADLINE_BOARD_AFTER_WORKING_DAYS)),
    ]


@dataclass
class ChaseResult:
    day: date
    skipped_day_off: bool = False
    chases: dict[str, int] = field(default_factory=dict)
    notifications: int = 0
    queued: int = 0
    # Per level: seconds from the statement to the commit (the deferred foreign-key checks run at commit).
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def total_chases(self) -> int:
        return sum(self.chases.values())


def _chase_sql(level: ChaseLevel) -> str:
    template = LEVEL_TEMPLATES[level]
    triage = audience_sql(AUDIENCES[f"{template}:triage"], items="chased_triage")
    answer = audience_sql(AUDIENCES[f"{template}:answer"], items="chased_answer")
    # The candidates carry the item columns the audiences need (item_chase_idx holds them all: an index-only
    # scan); the chase rows just inserted are joined back to them and to their events once (hash joins,
    # materialised: inlined into each audience, the planner may pick a nested loop over two CTE scans,
    # quadratic in the rows). A chase row is of one step, so the two audiences' rows are disjoint (UNION ALL).
    # The notifications need no ON CONFLICT: their keys carry the id of a chase row this statement inserted,
    # so none can exist yet (the chase row's unique constraint is the once-only decision, ADR 0031); a plain
    # insert skips the speculative insertion into the key's unique index.
    chased_items = (
        "SELECT ref, id, commune_id, current_agency_id, handling_level FROM chased_items WHERE step = '{step}'"
    )
    columns = "i.id, i.due_step, i.due_date, i.commune_id, i.current_agency_id, i.handling_level"
    return f"""
    WITH candidates AS MATERIALIZED (
        SELECT {columns} FROM feedback_item i
        WHERE i.status = ANY(%(triage_statuses)s) AND i.due_step = 'triage'
          AND i.due_date <= %(last)s AND (%(first)s::date IS NULL OR i.due_date >= %(first)s::date)
        UNION ALL
        SELECT {columns} FROM feedback_item i
        WHERE i.status = ANY(%(answer_statuses)s) AND i.due_step = 'answer'
          AND i.due_date <= %(last)s AND (%(first)s::date IS NULL OR i.due_date >= %(first)s::date)
    ),
    chased AS (
        INSERT INTO feedback_deadlinechase (item_id, step, level, due_date, created_at)
        SELECT c.id, c.due_step, %(level)s, c.due_date, %(now)s FROM candidates c
        -- The unique constraint alone decides "once" (ADR 0031): no anti-join before it. On a chase table the
        -- planner believes empty (the first run), NOT EXISTS became a nested loop rescanning the very pages this
        -- INSERT was filling, quadratic: 5.5 of the 22 s of a first run at 1M items (ADR 0184).
        ON CONFLICT (item_id, step, level, due_date) DO NOTHING
        RETURNING id, item_id, step, due_date
    ),
    events AS (
        INSERT INTO feedback_itemevent
            (item_id, kind, from_status, to_status, actor_label, due_date, note, is_public, data, created_at)
        SELECT item_id, %(event_kind)s, '', '', 'system', due_date, '', false,
               jsonb_build_object('level', %(level)s, 'step', step, 'chase', id), %(now)s
        FROM chased
        RETURNING id, item_id
    ),
    chased_items AS MATERIALIZED (
        SELECT ch.id AS ref, ch.step, ch.due_date, e.id AS event_id,
               c.id, c.commune_id, c.current_agency_id, c.handling_level
        FROM chased ch JOIN candidates c ON c.id = ch.item_id JOIN events e ON e.item_id = ch.item_id
    ),
    chased_triage AS ({chased_items.format(step=Step.TRIAGE)}),
    chased_answer AS ({chased_items.format(step=Step.ANSWER)}),
    recipients AS ({triage} UNION ALL {answer}),
    notes AS (
        INSERT INTO feedback_notification
            (key, template, channel, recipient_user_id, recipient_address, item_id, event_id, language, context,
             status, attempts, last_error, created_at, sent_at)
        SELECT %(template)s || ':c' || r.ref || ':' || c.channel || ':u' || r.user_id,
               %(template)s, c.channel, r.user_id, '', r.item_id, ci.event_id, %(language)s,
               jsonb_build_object('due_date', ci.due_date::text, 'step', ci.step, 'level', %(level)s),
               CASE WHEN c.channel = 'in_app' THEN 'sent' ELSE 'pending' END, 0, '', %(now)s,
               CASE WHEN c.channel = 'in_app' THEN %(now)s::timestamptz END
        FROM recipients r
        JOIN chased_items ci ON ci.ref = r.ref
        CROSS JOIN (VALUES ('in_app'), ('email')) AS c (channel)
        WHERE c.channel = 'in_app' OR r.email <> ''
        RETURNING id, channel
    )
    SELECT (SELECT count(*) FROM chased), count(*),
           min(id) FILTER (WHERE channel <> 'in_app'), max(id) FILTER (WHERE channel <> 'in_app')
    FROM notes"""


def _chase_params(window: Window, *, now: datetime) -> dict[str, Any]:
    return {
        "triage_statuses": sorted(str(s) for s in TRIAGE_STATUSES),
        "answer_statuses": sorted(str(s) for s in ANSWER_STATUSES),
        "first": window.first,
        "last": window.last,
        "level": str(window.level),
        "template": LEVEL_TEMPLATES[window.level],
        "event_kind": str(EventKind.REMINDER),
        "language": staff_language(),
        "now": now,
    }


def chase_plans(*, today: date) -> list[tuple[str, str, dict[str, Any]]]:
    """(level, SQL, parameters) of each level's statement on ``today``: what ``bench/chase.py --explain`` shows."""
    cal = WorkingCalendar.load(start=today - timedelta(days=120), end=today + timedelta(days=60))
    now = timezone.now()
    return [(str(w.level), _chase_sql(w.level), _chase_params(w, now=now)) for w in chase_windows(today=today, cal=cal)]


def deadlines_chase(*, today: date | None = None) -> ChaseResult:
    """One run of the chase. Safe to run twice, concurrently, or on two hosts."""
    today = today or timezone.localdate()
    cal = WorkingCalendar.load(start=today - timedelta(days=120), end=today + timedelta(days=60))
    result = ChaseResult(day=today)
    if not cal.is_working_day(today) and not settings.DEADLINE_CHASE_ON_DAYS_OFF:
        result.skipped_day_off = True
        return result
    now = timezone.now()
    ranges: list[tuple[int, int]] = []
    for window in chase_windows(today=today, cal=cal):
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            # The statement sorts and hashes a few hundred thousand rows on a busy day; and its cost estimate
            # passes jit_above_cost, but compiling its many expressions took ~3 s per level on a loaded machine,
            # more than running them (68 ms for a rerun's level). SET LOCAL ends with the transaction (safe
            # behind a transaction-pooling pgbouncer, docs/adr/0171).
            cursor.execute(f"SET LOCAL work_mem = '{CHASE_WORK_MEM}'")
            cursor.execute("SET LOCAL jit = off")
            cursor.execute(_chase_sql(window.level), _chase_params(window, now=now))
            chases, notes, first_id, last_id = cursor.fetchone()
        result.seconds[str(window.level)] = round(time.perf_counter() - started, 3)
        result.chases[str(window.level)] = chases
        result.notifications += notes
        if first_id is not None:
            ranges.append((first_id, last_id))
    # A chase may decide a hundred thousand emails: hand the worker id ranges and let it fan them out, so the
    # beat task neither holds the ids nor publishes thousands of messages itself.
    if ranges and notifications_fan_out_queue(ranges):
        result.queued = len(ranges)
    return result


# ---- the daily digest --------------------------------------------------------------------------------


def _digest_sql() -> str:
    # Triage-step items go to the Front handling them; answer-step items to the agency and to the Front that
    # chases it. The same audiences as the chase (AUDIENCES), over every open item due soon or overdue.
    concerned = """
        SELECT i.id::text AS ref, i.id, i.commune_id, i.current_agency_id, i.handling_level
        FROM feedback_item i
        WHERE ((i.status = ANY(%(triage_statuses)s) AND i.due_step = 'triage')
            OR (i.status = ANY(%(answer_statuses)s) AND i.due_step = 'answer'))
          AND i.due_step = '{step}' AND i.due_date <= %(until)s"""
    triage = audience_sql(AUDIENCES["overdue:triage"], items="digest_triage")
    answer = audience_sql(AUDIENCES["overdue:answer"], items="digest_answer")
    return f"""
    WITH digest_triage AS ({concerned.format(step=Step.TRIAGE)}),
    digest_answer AS ({concerned.format(step=Step.ANSWER)}),
    recipients AS ({triage} UNION {answer}),
    per_user AS (
        SELECT r.user_id, count(*) AS n,
               (array_agg(i.tracking_code || ' · ' || i.title || ' · ' || to_char(i.due_date, 'DD/MM/YYYY')
                          || CASE WHEN i.due_date < %(today)s THEN ' (' || %(overdue_label)s || ')' ELSE '' END
                          ORDER BY i.due_date, i.id))[1:%(max_lines)s] AS lines
        FROM recipients r JOIN feedback_item i ON i.id = r.item_id
        WHERE r.email <> ''
        GROUP BY r.user_id
    ),
    notes AS (
        INSERT INTO feedback_notification
            (key, template, channel, recipient_user_id, recipient_address, language, context,
             status, attempts, last_error, created_at)
        SELECT 'digest:' || %(today)s::text || ':email:u' || user_id, 'digest', 'email', user_id, '', %(language)s,
               jsonb_build_object('count', n, 'lines', to_jsonb(lines)), 'pending', 0, '', %(now)s
        FROM per_user
        ON CONFLICT (key) DO NOTHING
        RETURNING id
    )
    SELECT coalesce(array_agg(id ORDER BY id), '{{}}') FROM notes"""


def daily_digest_send(*, today: date | None = None) -> int:
    """One email per officer per working day listing the items in their scope overdue or due soon."""
    from django.utils import translation
    from django.utils.translation import gettext

    today = today or timezone.localdate()
    cal = WorkingCalendar.load(start=today, end=today + timedelta(days=30))
    if not cal.is_working_day(today):
        return 0
    until = cal.add_working_days(today, settings.DEADLINE_REMINDER_WORKING_DAYS)
    with translation.override(staff_language()):
        overdue_label = gettext("overdue")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            _digest_sql(),
            {
                "triage_statuses": sorted(str(s) for s in TRIAGE_STATUSES),
                "answer_statuses": sorted(str(s) for s in ANSWER_STATUSES),
                "until": until,
                "today": today,
                "overdue_label": overdue_label,
                "max_lines": settings.DIGEST_MAX_LINES,
                "language": staff_language(),
                "now": timezone.now(),
            },
        )
        (ids,) = cursor.fetchone()
    notifications_queue(ids)
    return len(ids)
