#!/usr/bin/env python
"""Benchmark: the full compliance rollup of a year against the raw SQL GROUP BYs computing the same numbers.

    DJANGO_SETTINGS_MODULE=mttq_portal.settings.test .venv/bin/python bench/rollup.py --items 1000000

Runs on a database of its own (``<DATABASE_URL name>_bench``, created when missing) filled by feedback's
``generate_items`` (the demo data: items with their whole event history) and programs' demo activities.
The data is kept between runs and regenerated only when ``--items`` changes. Both sides run in the same
process, alternately, ``--rounds`` times; the medians and their ratio are printed (aim: at most 1.5).
The rollup side also writes its values (bulk upsert) and its RollupRun row; the baseline only reads.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from support.databases import ensure_database
from support.smoke import apply_smoke_defaults

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mttq_portal.settings.test")


def _bench_database_url() -> str:
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mttq_portal")
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "mttq_portal"
    if not name.endswith("_bench"):
        name += "_bench"
    return urlunsplit(parts._replace(path=f"/{name}"))


_ensure_database = ensure_database  # bench/staff_queue.py reuses it by this name


BASE_MAX_COPIES = 99  # tracking codes are 17 characters, at most 20: a "-NN" suffix per copy


def _replicate(copies: int) -> None:
    """Copy every demo item (and its events) ``copies`` times by SQL, with new tracking codes: the same
    distribution of states, dates and dimensions, at the requested scale, in seconds instead of hours."""
    from django.db import connection

    with connection.cursor() as cursor:
        item_cols = [c.name for c in connection.introspection.get_table_description(cursor, "feedback_item")]
        event_cols = [c.name for c in connection.introspection.get_table_description(cursor, "feedback_itemevent")]
        copied = [c for c in item_cols if c not in ("id", "tracking_code", "idempotency_key", "merged_into_id")]
        cols = ", ".join(f'"{c}"' for c in copied)
        src = ", ".join(f'i."{c}"' for c in copied)
        cursor.execute(
            f'INSERT INTO feedback_item ("tracking_code", {cols}) '
            f"SELECT i.tracking_code || '-' || lpad(n::text, 2, '0'), {src} "
            "FROM feedback_item i CROSS JOIN generate_series(1, %s) AS n",
            [copies],
        )
        ev = [c for c in event_cols if c not in ("id", "item_id")]
        ecols = ", ".join(f'"{c}"' for c in ev)
        esrc = ", ".join(f'e."{c}"' for c in ev)
        cursor.execute(
            f'INSERT INTO feedback_itemevent ("item_id", {ecols}) '
            f"SELECT c.id, {esrc} FROM feedback_itemevent e "
            "JOIN feedback_item o ON o.id = e.item_id AND length(o.tracking_code) = 17 "
            "CROSS JOIN generate_series(1, %s) AS n "
            "JOIN feedback_item c ON c.tracking_code = o.tracking_code || '-' || lpad(n::text, 2, '0')",
            [copies],
        )


def _prepare(items: int, seed: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    from feedback.demo import generate_items
    from feedback.models import Item

    call_command("migrate", verbosity=0)
    call_command("seed_reference_data", stdout=StringIO())
    if Item.objects.count() == items:
        print(f"reusing {items:,} items")
        return
    prefixes = (
        "feedback_item",
        "programs_activity",
        "feedback_extension",
        "feedback_attachment",
        "feedback_personaldata",
        "targets_",
    )
    with connection.cursor() as cursor:
        tables = [t for t in connection.introspection.table_names(cursor) if t.startswith(prefixes)]
        cursor.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE")
    call_command("seed_reference_data", stdout=StringIO())
    copies = max(0, min(BASE_MAX_COPIES, items // 20_000 - 1))
    base = items // (copies + 1)
    started = time.perf_counter()
    generate_items(rng=random.Random(seed), stdout=StringIO(), count=base, years=2, batch_size=10000)
    print(f"generated {base:,} demo items in {time.perf_counter() - started:.0f} s")
    if copies:
        started = time.perf_counter()
        _replicate(copies)
        print(f"replicated them {copies} times by SQL in {time.perf_counter() - started:.0f} s")
    from programs.demo import generate_demo_data as programs_demo

    programs_demo(rng=random.Random(seed), stdout=StringIO(), scale=min(items, 100_000))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"{Item.objects.count():,} items, ready")


A1_SQL = """
SELECT {key} AS key, EXTRACT(QUARTER FROM i.received_at AT TIME ZONE %(tz)s)::int AS quarter,
       CASE WHEN i.type = ANY(%(own_types)s) OR o.kind = ANY(%(kinds)s) THEN 'own' ELSE 'citizens' END,
       COUNT(*),
       COUNT(*) FILTER (WHERE i.forwarded_at IS NOT NULL AND i.status <> 'returned'),
       COUNT(*) FILTER (WHERE i.answered_at IS NOT NULL),
       COUNT(*) FILTER (WHERE i.status = 'resolved'),
       COUNT(*) FILTER (WHERE i.answer_due_date < %(as_of)s),
       COUNT(*) FILTER (WHERE i.answer_due_date < %(as_of)s AND i.answered_at IS NOT NULL AND i.answer_on_time)
FROM feedback_item i LEFT JOIN organizations_organization o ON o.id = i.source_organization_id
WHERE (i.received_at AT TIME ZONE %(tz)s)::date BETWEEN %(start)s AND %(end)s
  AND (i.is_legitimate OR (i.is_legitimate IS NULL
       AND (i.type = ANY(%(vetted)s) OR i.type = ANY(%(own_types)s) OR o.kind = ANY(%(kinds)s))))
  AND NOT (i.status = ANY(%(excluded)s))
  AND (i.type = ANY(%(own_types)s) OR o.kind = ANY(%(kinds)s) OR i.forwarded_at IS NOT NULL) {not_null}
GROUP BY 1, 2, 3
"""
T4_SQL = """
SELECT CASE WHEN i.handling_level = 'province' THEN 0 ELSE i.commune_id END, i.handling_level,
       EXTRACT(QUARTER FROM e.created_at AT TIME ZONE %s)::int,
       COUNT(*) FILTER (WHERE e.kind = 'submitted'),
       COUNT(*) FILTER (WHERE e.kind = 'transition' AND e.data->>'move' = ANY(%s)),
       COUNT(*) FILTER (WHERE e.kind = 'transition' AND e.data->>'move' = ANY(%s))
FROM feedback_itemevent e JOIN feedback_item i ON i.id = e.item_id
WHERE e.created_at >= %s AND e.created_at < %s AND e.kind IN ('submitted', 'transition')
GROUP BY 1, 2, 3
"""
ACTIVITY_SQL = [
    "SELECT COALESCE(a.commune_id, o.unit_id), COUNT(*) FROM programs_activity a JOIN organizations_organization o "
    "ON o.id = a.organization_id WHERE a.kind = ANY(%s) AND a.held_on BETWEEN %s AND %s GROUP BY 1",
    "SELECT o.unit_id, COUNT(*) FROM programs_activity a JOIN organizations_organization o "
    "ON o.id = a.organization_id WHERE a.kind = ANY(%s) AND a.held_on BETWEEN %s AND %s GROUP BY 1",
    "SELECT a.organization_id, COUNT(*) FROM programs_activity a WHERE a.kind = ANY(%s) "
    "AND a.held_on BETWEEN %s AND %s GROUP BY 1",
]


def baseline(year: int, as_of: date) -> dict:
    """The same numbers as the rollup, straight from SQL; returns the province's A1 counts per quarter."""
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from feedback.models import NOT_COUNTED_STATUSES
    from feedback.selectors.figures import A1_SOURCE_KINDS, FRONT_OWN_RECOMMENDATION_TYPES
    from feedback.selectors.statistics import CLOSE_MOVES, FRONT_OWN_TYPES, TRIAGE_MOVES

    start = date(year, 1, 1)
    params = {
        "tz": settings.TIME_ZONE,
        "own_types": [str(t) for t in FRONT_OWN_RECOMMENDATION_TYPES],
        "vetted": [str(t) for t in FRONT_OWN_TYPES],
        "kinds": [str(k) for k in A1_SOURCE_KINDS],
        "excluded": [str(s) for s in NOT_COUNTED_STATUSES],
        "as_of": as_of,
        "start": start,
        "end": min(date(year, 12, 31), as_of),
    }
    province = {}
    with connection.cursor() as cursor:
        for key in ("0", "i.commune_id", "i.current_agency_id", "i.source_organization_id", "i.category_id"):
            not_null = "" if key == "0" else f"AND {key} IS NOT NULL"
            cursor.execute(A1_SQL.format(key=key, not_null=not_null), params)
            rows = cursor.fetchall()
            if key == "0":
                province = {row[1]: row[3:] for row in rows if row[2] == "own"}
        since = datetime(year, 1, 1, tzinfo=timezone.get_current_timezone())
        until = timezone.make_aware(
            datetime.combine(min(date(year, 12, 31), as_of) + timedelta(days=1), datetime.min.time())
        )
        cursor.execute(T4_SQL, [settings.TIME_ZONE, list(TRIAGE_MOVES), list(CLOSE_MOVES), since, until])
        cursor.fetchall()
        for sql, kinds in zip(
            ACTIVITY_SQL, (["dialogue"], ["working_session"], ["listening_session", "listening_month"]), strict=True
        ):
            cursor.execute(sql, [kinds, start, min(date(year, 12, 31), as_of)])
            cursor.fetchall()
        cursor.execute(
            "SELECT indicator_id, period_id, SUM(numerator), SUM(denominator), COUNT(*) FROM targets_indicatorvalue "
            "WHERE origin = 'reported' AND dimension = 'organization' GROUP BY 1, 2"
        )
        cursor.fetchall()
    return province


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--prepare-only", action="store_true", help="generate the data and stop (measure later)")
    apply_smoke_defaults(parser, items=500, rounds=1)
    args = parser.parse_args()

    url = _bench_database_url()
    _ensure_database(url)
    os.environ["DATABASE_URL"] = url
    import django

    django.setup()
    from django.utils import timezone

    from targets.models import IndicatorValue
    from targets.services.rollup import rollup_compliance

    _prepare(args.items, args.seed)
    if args.prepare_only:
        return
    as_of = timezone.localdate()
    year = as_of.year
    # Warm both (caches, plans), then alternate.
    from targets.models import RollupRun

    baseline(year, as_of)
    IndicatorValue.objects.all().delete()
    RollupRun.objects.all().delete()
    started = time.perf_counter()
    run = rollup_compliance(year=year, as_of=as_of)
    cold = time.perf_counter() - started
    raw_times, rollup_times = [], []
    for _ in range(args.rounds):
        started = time.perf_counter()
        province = baseline(year, as_of)
        raw_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        run = rollup_compliance(year=year, as_of=as_of)
        rollup_times.append(time.perf_counter() - started)

    # The same numbers: the rollup's province rows per quarter equal the raw query's.
    names = ("recommended", "considered", "answered", "resolved", "due", "on_time")
    for quarter, counts in province.items():
        value = IndicatorValue.objects.get(
            indicator__code="A1.1", period__code=f"{year}-Q{quarter}", dimension="province"
        )
        assert value.details == dict(zip(names, counts, strict=True)), (quarter, value.details)
    raw, rollup = statistics.median(raw_times), statistics.median(rollup_times)
    print(f"items: {args.items:,}; year {year} as of {as_of}; values computed per run: {run.rows:,}")
    print(f"first rollup (empty table, writes every value): {cold * 1000:.0f} ms")
    print(f"later rollups write only what changed: {run.changed:,} values in the last run")
    print(f"raw SQL GROUP BYs: {raw * 1000:.0f} ms (median of {args.rounds})")
    print(f"rollup_compliance: {rollup * 1000:.0f} ms (median of {args.rounds})")
    print(f"ratio rollup / raw: {rollup / raw:.2f} (aim <= 1.5)")


if __name__ == "__main__":
    main()
