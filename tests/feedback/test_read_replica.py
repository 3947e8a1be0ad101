"""Reads on a real streaming replica: a primary and a hot standby (pg_basebackup) of the machine's PostgreSQL
binaries, and a real gunicorn reading Open311 from the replica, falling back to the primary when the replica
lags or is down, and reading the primary after the browser's own write."""

import json
import os
import subprocess
import sys
import time

import pytest

from feedback.services.intake import item_submit
from tests.feedback.test_database_outage import ROOT, Browser, copy_test_database
from tests.processes import PostgresCluster, StreamingReplica, free_port, wait_port

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def primary_and_replica():
    primary = PostgresCluster()
    primary.init("wal_level = replica", "max_wal_senders = 4", "wal_keep_size = '64MB'")
    primary.start()
    replica = StreamingReplica(primary)
    try:
        yield primary, replica
    finally:
        replica.stop("immediate")
        primary.stop("immediate")
        replica.remove()
        primary.remove()


def wait_replayed(primary: PostgresCluster, replica: PostgresCluster) -> None:
    lsn = primary.psql("SELECT pg_current_wal_lsn()")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if replica.psql(f"SELECT pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn") == "t":
            return
        time.sleep(0.1)
    raise AssertionError("the replica did not catch up")


def set_answer(primary: PostgresCluster, code: str, text: str) -> None:
    # Both values are the test's own (a tracking code the portal generated, a fixed word).
    # Resolved with a public answer: what Open311's anonymous feed publishes.
    sql = f"UPDATE feedback_item SET public_answer = '{text}', status = 'resolved' WHERE tracking_code = '{code}'"  # noqa: S608
    primary.psql(sql, database="portal")


def notes(browser: Browser, code: str) -> str:
    status, _headers, body = browser.request(f"/open311/v2/requests/{code}.json")
    assert status == 200, body
    return json.loads(body)[0]["status_notes"]


def test_open311_reads_follow_the_replica_fall_back_to_the_primary_and_read_your_own_writes(
    primary_and_replica, submit_kwargs
):
    primary, replica = primary_and_replica
    # given a published item, copied into a primary that a streaming replica follows
    code = item_submit(**submit_kwargs, consent_publish=True).item.tracking_code
    copy_test_database(primary)
    replica.init()
    replica.start()
    set_answer(primary, code, "cũ")
    wait_replayed(primary, replica)
    assert replica.psql("SELECT pg_is_in_recovery()") == "t"

    # and a gunicorn with both, replica lag allowed up to 20 s, its state probed every 0.5 s
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mttq_portal.settings.base",
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": primary.url("portal"),
        "DATABASE_REPLICA_URL": replica.url("portal"),
        "DATABASE_REPLICA_MAX_LAG_SECONDS": "20",
        "DATABASE_REPLICA_CHECK_SECONDS": "0.5",
        "CELERY_BROKER_URL": "",
        "REDIS_URL": os.environ.get("REDIS_URL", ""),
    }
    log = open(f"/tmp/gunicorn-replica-{port}.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "mttq_portal.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_port(port, timeout=60)
        base = f"http://127.0.0.1:{port}"
        assert notes(Browser(base), code) == "cũ"  # warm: the first request loads the whole application

        # when the replica stops replaying (right after a fresh transaction: its lag starts at zero) and the
        # primary changes the answer
        primary.psql("CREATE TABLE tick (at timestamptz DEFAULT now())", database="portal")
        wait_replayed(primary, replica)
        replica.psql("SELECT pg_wal_replay_pause()")
        set_answer(primary, code, "mới")

        # then an Open311 reader still sees the replica's copy (the reads go to the replica)
        reader = Browser(base)
        assert notes(reader, code) == "cũ"

        # and a browser that has just written (here: a new submission through the public API) reads the primary
        writer = Browser(base)
        payload = {
            "type": "recommendation",
            "category": submit_kwargs["category_id"],
            "commune": submit_kwargs["commune_id"],
            "title": "Đèn đường bản Noong Bua hỏng",
            "content": "Ba cột đèn đường không sáng từ tuần trước.",
            "consent_processing": True,
        }
        status, headers, body = writer.request("/api/v1/public/items/", json_body=payload)
        assert status == 201, body
        assert "mttq_primary=1" in headers["Set-Cookie"]
        assert notes(writer, code) == "mới"
        assert notes(reader, code) == "cũ"

        # when the replica falls more than 20 s behind, everybody reads the primary
        time.sleep(21)
        assert notes(reader, code) == "mới"

        # when replay resumes, reads return to the replica; when the replica is down, they fall back again
        replica.psql("SELECT pg_wal_replay_resume()")
        wait_replayed(primary, replica)
        time.sleep(1)
        set_answer(primary, code, "lần ba")
        replica.stop()
        time.sleep(1)
        started = time.monotonic()
        assert notes(Browser(base), code) == "lần ba"
        assert time.monotonic() - started < 5
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()
