"""One ``chase_deadlines`` run over N open items (default 1,000,000): its time and peak memory, then a second
run right after (which must send nothing), against a baseline measured in the same run: one
``SELECT count(*)`` of the open items whose due date is within the reminder window or past.

Creates and migrates ``mttq_bench_jobs`` on the PostgreSQL of DATABASE_URL, seeds the reference data (the 45
communes of Điện Biên and their organisations), gives every commune Front, commune People's Committee and
the provincial bodies one officer with an email address, then generates the open items with one
``INSERT ... SELECT generate_series`` (half waiting for triage by the Front, half forwarded to the commune
People's Committee), due dates spread uniformly from ``--past-days`` ago to ``--future-days`` ahead. The
delivery tasks are queued on a throw-away Redis queue that no worker reads, which is emptied afterwards:
this measures deciding and queuing (one fan-out message per level), not the fan-out nor SMTP.

    .venv/bin/python bench/chase.py [--items 1000000] [--past-days 10] [--future-days 110]

``--explain`` first prints ``EXPLAIN (ANALYZE, BUFFERS)`` of each level's statement, each in a transaction
that is rolled back (the levels write disjoint rows, so each plan is the one of the real run). ``--database``
names the throw-away database; ``--reuse`` keeps its items if it already holds ``--items`` of them (to study
the plans without generating again; the chase rows of a previous run are cleared first).
"""

import argparse
import datetime as dt
import os
import resource
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

from support.communes import COMMUNES_CTE
from support.databases import bench_database_url
from support.smoke import apply_smoke_defaults

ROOT = Path(__file__).resolve().parent.parent
DB = "mttq_bench_jobs"


def _reusable(url, *, db: str, items: int) -> bool:
    import psycopg2

    try:
        conn = psycopg2.connect(dbname=db, user=url.username or "postgres", host=url.hostname,
                                port=url.port or 5432, password=url.password)  # fmt: skip
    except psycopg2.OperationalError:
        return False
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM feedback_item WHERE tracking_code LIKE 'BENCH-%%'")
            return cursor.fetchone()[0] == items
    except psycopg2.Error:
        return False
    finally:
        conn.close()


def _database_url(*, db: str = DB, reuse_items: int | None = None) -> tuple[str, bool]:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mttq_portal")
    url = urlparse(base)
    if reuse_items is not None and _reusable(url, db=db, items=reuse_items):
        return url._replace(path="/" + db).geturl(), True
    return bench_database_url(name=db, fresh=True), False


def _generate(cursor, *, items: int, today: dt.date, past: int, future: int) -> None:
    span = past + future + 1
    cursor.execute(
        f"""
        WITH {COMMUNES_CTE},
        category AS (SELECT min(id) AS id FROM feedback_category)
        INSERT INTO feedback_item (
            tracking_code, secret_hash, type, address_text, title, content, request_text, search_text, channel,
            is_mass_petition, is_complex, is_anonymous, submitter_name, submitter_phone, submitter_email,
            submitter_address, consent_processing, consent_contact, consent_publish, privacy_notice_version,
            consent_method, status, handling_level, due_step, extension_count, public_answer, rating_comment,
            received_at, updated_at, category_id, commune_id, current_agency_id, due_date, triage_due_date,
            answer_due_date, acknowledged_at, complexity, complexity_reason, submitter_language, support_count)
        SELECT 'BENCH-' || g, 'x', 'recommendation', '', 'Kiến nghị số ' || g, 'Nội dung kiến nghị', '',
               'kien nghi', 'web', false, false, false, 'Người dân', '', '', '', true, false, false, '2026-01',
               'online_form',
               CASE WHEN g %% 2 = 0 THEN 'forwarded' WHEN g %% 4 = 1 THEN 'received' ELSE 'accepted' END,
               'commune', CASE WHEN g %% 2 = 0 THEN 'answer' ELSE 'triage' END, 0, '', '',
               now() - interval '30 days', now(), category.id, c.commune_id,
               CASE WHEN g %% 2 = 0 THEN c.agency_id END,
               %(first)s::date + (g::bigint * 7919 %% %(span)s)::int, %(first)s::date,
               CASE WHEN g %% 2 = 0 THEN %(first)s::date + (g::bigint * 7919 %% %(span)s)::int END,
               now(), 'normal', '', '', 0
        FROM generate_series(1, %(items)s) AS g
        CROSS JOIN ncommunes CROSS JOIN category
        JOIN communes c ON c.n = g %% ncommunes.c
        """,
        {"items": items, "first": today - dt.timedelta(days=past), "span": span},
    )


def _seed(cursor, args, *, today: dt.date) -> None:
    from feedback.models import Category
    from organizations.models import Membership, Organization, OrganizationKind, Role, User

    if not Category.objects.exists():
        Category.objects.create(code="khac", name_vi="Khác", name_en="Other")
    officers = []
    kinds = [OrganizationKind.FRONT_COMMITTEE, OrganizationKind.PEOPLES_COMMITTEE]
    kinds.append(OrganizationKind.PROPAGANDA_COMMISSION)
    for org in Organization.objects.filter(kind__in=kinds):
        user = User.objects.create(username=f"bench-{org.code}", email=f"{org.code}@example.org")
        role = (
            Role.FRONT_OFFICER if org.kind == OrganizationKind.FRONT_COMMITTEE
            else Role.BOARD_VIEWER if org.kind == OrganizationKind.PROPAGANDA_COMMISSION
            else Role.AGENCY_OFFICER
        )  # fmt: skip
        officers.append(Membership(user=user, organization=org, role=role))
    Membership.objects.bulk_create(officers)
    started = time.perf_counter()
    _generate(cursor, items=args.items, today=today, past=args.past_days, future=args.future_days)
    # As autovacuum leaves a table after a million inserts (autovacuum_vacuum_insert_threshold): statistics and
    # the visibility map, which the chase's index-only scan reads.
    cursor.execute("VACUUM ANALYZE")
    print(f"generated {args.items:,} open items in {time.perf_counter() - started:.1f} s "
          f"(due dates {args.past_days} days past to {args.future_days} days ahead of {today}); "
          f"{len(officers)} officers")  # fmt: skip


def _explain(cursor, *, today: dt.date) -> None:
    """Each level's statement under EXPLAIN ANALYZE, rolled back (levels write disjoint rows)."""
    from feedback.services.deadlines import chase_plans

    for level, sql, params in chase_plans(today=today):
        cursor.execute("BEGIN")
        cursor.execute("SET LOCAL jit = off")  # as deadlines_chase runs it
        started = time.perf_counter()
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("ROLLBACK")
        print(f"---- {level}: {time.perf_counter() - started:.2f} s\n{plan}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--past-days", type=int, default=10)
    parser.add_argument("--future-days", type=int, default=110)
    parser.add_argument("--date", default="2027-03-03", help="the day the chase runs (a working day)")
    parser.add_argument("--database", default=DB, help="the throw-away database (dropped and created)")
    parser.add_argument("--reuse", action="store_true", help="keep the database's items if it has --items")
    parser.add_argument("--explain", action="store_true", help="print each level's plan (EXPLAIN ANALYZE)")
    apply_smoke_defaults(parser, items=2_000)
    args = parser.parse_args()
    reuse_items = args.items if args.reuse else None
    os.environ["DATABASE_URL"], reused = _database_url(db=args.database, reuse_items=reuse_items)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mttq_portal.settings.test")
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
    os.environ["CELERY_TASK_DEFAULT_QUEUE"] = queue = f"bench-chase-{uuid.uuid4().hex[:8]}"
    env = dict(os.environ)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    if not reused:
        subprocess.run([sys.executable, "manage.py", "seed_reference_data"], cwd=ROOT, env=env, check=True,
                       capture_output=True)  # fmt: skip
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    from feedback.models import ANSWER_STATUSES, TRIAGE_STATUSES, DeadlineChase, Notification
    from feedback.services.deadlines import deadlines_chase
    from mttq_portal.celery import app

    today = dt.date.fromisoformat(args.date)
    with connection.cursor() as cursor:
        if reused:
            cursor.execute("TRUNCATE feedback_deadlinechase, feedback_notification, feedback_itemevent CASCADE")
            cursor.execute("VACUUM ANALYZE")
            print(f"reused the {args.items:,} open items of {args.database}; the last run's chases cleared")
        else:
            _seed(cursor, args, today=today)
        if args.explain:
            _explain(cursor, today=today)

    # Baseline: count the open items the chase has to look at (reminder window and overdue).
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM feedback_item WHERE status = ANY(%s) AND due_date <= %s",
            [[str(s) for s in (*TRIAGE_STATUSES, *ANSWER_STATUSES)], today + dt.timedelta(days=4)],
        )
        concerned = cursor.fetchone()[0]
    baseline = time.perf_counter() - started

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    first = deadlines_chase(today=today)
    first_time = time.perf_counter() - started
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    started = time.perf_counter()
    second = deadlines_chase(today=today)
    second_time = time.perf_counter() - started

    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(queue)
        conn.default_channel.queue_delete(queue)

    print(f"baseline: count(*) of {concerned:,} concerned open items: {baseline:.2f} s")
    print(f"first run: {first.total_chases:,} chases {first.chases}, {first.notifications:,} notifications "
          f"(emails queued as {first.queued} id ranges): {first_time:.2f} s = {first_time / baseline:.1f} x baseline; "
          f"process peak RSS {rss_after / 1024:.0f} MiB (Django loaded: {rss_before / 1024:.0f} MiB)")  # fmt: skip
    print(f"  seconds per level, statement to commit: {first.seconds}")
    print(f"second run: {second.total_chases} chases, {second.notifications} notifications: {second_time:.2f} s "
          f"{second.seconds} "
          f"= {second_time / baseline:.1f} x baseline")  # fmt: skip
    assert second.total_chases == 0, "the second run must send nothing"
    assert second.notifications == 0, "the second run must send nothing"
    print(f"rows: {DeadlineChase.objects.count():,} chases, {Notification.objects.count():,} notifications")


if __name__ == "__main__":
    main()
