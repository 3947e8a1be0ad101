"""The portal behind a real pgbouncer in transaction pooling (docs/adr/0171).

A pgbouncer of the machine's (Debian package ``pgbouncer``) is started on a free port in front of the test
database, with ``pool_mode = transaction`` and ONE server connection: every transaction of every client runs
on that one server session, one after another. The portal's connection is pointed at it with the settings
``DATABASE_POOL_MODE=transaction`` gives, and real paths run through it: a public submission, a staff move,
``chase_deadlines``, the outbox's delivery claim, an export that streams from ``.iterator()``.

The oracle for "no session state": after each path, a second client of the same pgbouncer lands on that same
server session and finds nothing left there (no advisory lock, no open cursor, no prepared statement, no
setting changed beyond the ones pgbouncer itself carries per client).
"""

import csv
import datetime as dt
import io
import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from feedback.models import DeadlineChase, Item, Notification
from organizations.audit import security_event_record
from organizations.models import SecurityEventKind
from tests.processes import free_port, wait_port

PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
ROOT = Path(__file__).resolve().parent.parent.parent
VN = ZoneInfo("Asia/Ho_Chi_Minh")

pytestmark = [
    pytest.mark.skipif(not os.access(PGBOUNCER, os.X_OK), reason="pgbouncer is not installed (Debian: pgbouncer)"),
    pytest.mark.django_db(transaction=True),
]

# Parameters pgbouncer itself sets on the server for each client it hands the connection to (its tracked
# parameters): their values follow the client, so they are not state the portal leaves behind.
CARRIED_BY_PGBOUNCER = {"application_name", "client_encoding", "DateStyle", "TimeZone", "standard_conforming_strings"}


class PgBouncer:
    """A pgbouncer in transaction pooling with one server connection, in a temporary directory."""

    user = "postgres"  # pgbouncer refuses to run as root

    def __init__(self, *, server_host: str, server_port: int):
        self.directory = Path(tempfile.mkdtemp(prefix="mttq-pgbouncer-"))
        self.port = free_port()
        self.server_host, self.server_port = server_host, server_port
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        (self.directory / "userlist.txt").write_text('"postgres" ""\n')
        (self.directory / "pgbouncer.ini").write_text(
            "\n".join(
                [
                    "[databases]",
                    f"* = host={self.server_host} port={self.server_port}",
                    "[pgbouncer]",
                    "listen_addr = 127.0.0.1",
                    f"listen_port = {self.port}",
                    "unix_socket_dir =",
                    "auth_type = trust",
                    f"auth_file = {self.directory / 'userlist.txt'}",
                    "pool_mode = transaction",
                    "default_pool_size = 1",
                    "min_pool_size = 0",
                    "reserve_pool_size = 0",
                    "max_client_conn = 20",
                    "server_reset_query =",
                    "ignore_startup_parameters = extra_float_digits",
                    "admin_users = postgres",
                ]
            )
            + "\n"
        )
        command = [PGBOUNCER, str(self.directory / "pgbouncer.ini")]
        if os.geteuid() == 0:
            entry = pwd.getpwnam(self.user)
            for path in (self.directory, *self.directory.iterdir()):
                shutil.chown(path, entry.pw_uid, entry.pw_gid)
            command = ["runuser", "-u", self.user, "--", *command]
        self.log = open(self.directory / "log", "wb")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT)
        wait_port(self.port, timeout=15)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=15)
        self.log.close()
        shutil.rmtree(self.directory, ignore_errors=True)

    def connect(self, database: str):
        import psycopg2

        conn = psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=database)
        conn.autocommit = True
        return conn

    def show(self, what: str) -> list[dict]:
        """A table of pgbouncer's admin console (SHOW POOLS, SHOW CONFIG...)."""
        conn = self.connect("pgbouncer")
        try:
            with conn.cursor() as cursor:
                cursor.execute(f"SHOW {what}")
                names = [c.name for c in cursor.description]
                return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        finally:
            conn.close()


@pytest.fixture
def bouncer():
    settings_dict = connection.settings_dict
    instance = PgBouncer(
        server_host=settings_dict["HOST"] or "127.0.0.1", server_port=int(settings_dict["PORT"] or 5432)
    )
    instance.start()
    try:
        yield instance
    finally:
        instance.stop()


@pytest.fixture
def pooled(bouncer):
    """The portal's connection through the pgbouncer, as DATABASE_POOL_MODE=transaction configures it."""
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(
        HOST="127.0.0.1", PORT=str(bouncer.port), DISABLE_SERVER_SIDE_CURSORS=True, CONN_MAX_AGE=60
    )
    try:
        yield bouncer
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


def session_state(bouncer: PgBouncer) -> dict:
    """What the one server session holds, seen by another client that pgbouncer hands the same session."""
    conn = bouncer.connect(connection.settings_dict["NAME"])
    try:
        with conn.cursor() as cursor:
            cursor.execute(
                "SELECT (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()),"
                " (SELECT count(*) FROM pg_cursors), (SELECT count(*) FROM pg_prepared_statements),"
                " (SELECT coalesce(array_agg(name ORDER BY name), '{}') FROM pg_settings WHERE source = 'session')"
            )
            locks, cursors, prepared, settings_changed = cursor.fetchone()
    finally:
        conn.close()
    return {
        "advisory locks": locks,
        "cursors": cursors,
        "prepared statements": prepared,
        "settings": sorted(set(settings_changed) - CARRIED_BY_PGBOUNCER),
    }


CLEAN = {"advisory locks": 0, "cursors": 0, "prepared statements": 0, "settings": []}


def test_the_setting_turns_server_side_cursors_off_only_in_transaction_mode():
    code = (
        "from django.conf import settings; d = settings.DATABASES['default']; print(d['DISABLE_SERVER_SIDE_CURSORS'])"
    )
    seen = {}
    for mode in ("session", "transaction"):
        env = {**os.environ, "DATABASE_POOL_MODE": mode, "DJANGO_SETTINGS_MODULE": "mttq_portal.settings.test"}
        out = subprocess.run(
            [sys.executable, "-c", f"import django; django.setup(); {code}"],
            cwd=ROOT, env=env, capture_output=True, text=True, check=True,
        )  # fmt: skip
        seen[mode] = out.stdout.strip()
    assert seen == {"session": "False", "transaction": "True"}
    # and a mode pgbouncer has but the portal cannot work in (statement pooling breaks transactions) stops the boot
    env = {**os.environ, "DATABASE_POOL_MODE": "statement", "DJANGO_SETTINGS_MODULE": "mttq_portal.settings.test"}
    refused = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert refused.returncode == 1
    assert "DATABASE_POOL_MODE must be 'session' or 'transaction'." in refused.stderr


def test_pgbouncer_pools_by_transaction_on_one_server_connection(pooled):
    # given the portal's connection through the pgbouncer
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    # then pgbouncer says it pools by transaction, and the portal's client is one of its clients
    config = {row["key"]: row["value"] for row in pooled.show("CONFIG")}
    assert (config["pool_mode"], config["default_pool_size"]) == ("transaction", "1")
    pools = [p for p in pooled.show("POOLS") if p["database"] == connection.settings_dict["NAME"]]
    assert [p["pool_mode"] for p in pools] == ["transaction"]
    assert session_state(pooled) == CLEAN
    # and the oracle sees what a client leaves on the one server session (here on purpose: a session lock and
    # a plain SET, then undone)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(171)")
        cursor.execute("SET work_mem = '8MB'")
    assert session_state(pooled) == {**CLEAN, "advisory locks": 1, "settings": ["work_mem"]}
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(171)")
        cursor.execute("RESET work_mem")
    assert session_state(pooled) == CLEAN


def test_real_paths_run_through_transaction_pooling_and_leave_no_session_state(
    pooled, rules, category, commune_a, agency_a, officer_a, agency_officer_a, admin_user
):
    with time_machine.travel(dt.datetime(2026, 6, 1, 9, tzinfo=VN), tick=True):
        # given a citizen's submission through the public API (the after-commit work: the Front's notice,
        # planned in the outbox and delivered by the eager worker, which claims each row first)
        response = APIClient().post(
            "/api/v1/public/items/",
            {
                "type": "report",
                "category": category.id,
                "commune": commune_a.id,
                "title": "Rác thải đổ trộm bên suối",
                "content": "Có người đổ rác xuống suối Nậm Rốm vào ban đêm.",
                "consent_processing": True,
            },
            format="json",
        )
        assert response.status_code == 201, response.content
        item = Item.objects.get(tracking_code=response.json()["tracking_code"])
        assert session_state(pooled) == CLEAN

        # when the Front forwards it through the staff API (accepts first: two moves, each locking the row)
        staff = APIClient()
        staff.force_authenticate(officer_a)
        moved = staff.post(reverse("api-item-forward", args=[item.id]), {"agency": agency_a.id}, format="json")
        assert (moved.status_code, moved.json()["changed"]) == (200, True), moved.content
        item.refresh_from_db()
        assert (item.status, item.due_step) == ("forwarded", "answer")
        assert session_state(pooled) == CLEAN

    # and the chase runs a week after the answer was due (June and July 2026 have no day off on a weekday:
    # 7 days later is 5 working days late, so overdue and escalated, not yet on the board's list at 10)
    day = item.due_date + dt.timedelta(days=7)
    out = io.StringIO()
    call_command("chase_deadlines", "--date", day.isoformat(), stdout=out)
    assert session_state(pooled) == CLEAN

    # then the chase decided each level once
    chases = set(DeadlineChase.objects.filter(item=item).values_list("step", "level"))
    assert chases == {("answer", "overdue"), ("answer", "escalation")}
    # the overdue notice goes to the agency and to the commune Front; the escalation to the agency's superior
    # and the provincial Front, neither of which has an officer here
    overdue_emails = Notification.objects.filter(item=item, template="overdue", channel="email")
    assert sorted(overdue_emails.values_list("recipient_user__username", flat=True)) == sorted(
        [officer_a.username, agency_officer_a.username]
    )
    assert not Notification.objects.filter(item=item, template="escalated").exists()
    # every email was claimed and delivered by the eager worker, through the same pooled connection
    emails = Notification.objects.filter(channel="email")
    assert set(emails.values_list("status", flat=True)) == {"sent"}
    assert all(n.attempts == 1 for n in emails)
    assert len(mail.outbox) == emails.count()
    # item_received to the Front, forwarded to the agency, overdue to both
    assert sorted(emails.values_list("template", flat=True)) == ["forwarded", "item_received", "overdue", "overdue"]

    # and a second run, as beat would, decides nothing more
    call_command("chase_deadlines", "--date", day.isoformat(), stdout=io.StringIO())
    assert DeadlineChase.objects.filter(item=item).count() == 2

    # an export that streams from .iterator() (the security log's CSV) reads every row through the pool
    for n in range(5):
        security_event_record(kind=SecurityEventKind.LOGIN_FAILED, actor_username=f"khach{n}")
    client = Client()
    client.force_login(admin_user)
    exported = client.get("/quan-tri/organizations/securityevent/csv/", {"kind__exact": "login_failed"})
    assert exported.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode("utf-8-sig"))))
    assert sorted(r[3] for r in rows[1:]) == [f"khach{n}" for n in range(5)]
    assert session_state(pooled) == CLEAN
    # all of it went through the pgbouncer: hundreds of transactions on its one server connection
    (stats,) = [row for row in pooled.show("STATS") if row["database"] == connection.settings_dict["NAME"]]
    assert stats["total_xact_count"] > 50


# Session state the portal's code must not create (a plain SET, not SET LOCAL; a session advisory lock; a
# listener; a server-side prepare; a cursor kept across transactions).
SESSION_STATE = re.compile(
    r"(?i:pg_(try_)?advisory_lock(_shared)?\s*\()|[\"']\s*SET\s+(?!LOCAL\b)(?!CONSTRAINTS\b)\w"
    r"|[\"']\s*(LISTEN|PREPARE)\s|WITH\s+HOLD|(?i:set_config\([^)]*,\s*false\s*\))"
)


# The one module that prepares statements, and only where the session is kept: never under transaction
# pooling (ADR 0175; the pooled path above proves it leaves nothing behind).
PREPARES_WHERE_THE_SESSION_IS_KEPT = ROOT / "mttq_portal" / "prepared.py"


def test_the_code_creates_no_session_state():
    apps = ["mttq_portal", "organizations", "feedback", "programs", "targets", "reports"]
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for app in apps
        for path in sorted((ROOT / app).rglob("*.py"))
        if path != PREPARES_WHERE_THE_SESSION_IS_KEPT
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if SESSION_STATE.search(line)
    ]
    assert found == []
    # and the rule finds what it is meant to find
    assert SESSION_STATE.search('cursor.execute("SELECT pg_advisory_lock(1)")')
    assert SESSION_STATE.search("cursor.execute(\"SET statement_timeout = '5s'\")")
    assert not SESSION_STATE.search("cursor.execute(\"SET LOCAL work_mem = '64MB'\")")
