"""Real worker processes against real outages: the broker stopped for 30 s, a worker killed with -9.

The broker here is a redis-server of the test's own (append-only persistence, as in production), so it
can be stopped without touching the machine's shared Redis.
"""

import os
import signal
import time
import uuid

import pytest

from feedback import tasks
from feedback.models import Notification, NotificationStatus
from feedback.services.intake import item_submit
from feedback.services.notifications import sweeping
from tests.feedback.mailfiles import keys
from tests.feedback.test_jobs_end_to_end import broker_at, own_queue, wait_for
from tests.feedback.workers import start_worker, stop_worker
from tests.processes import RedisServer

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def own_redis(tmp_path):
    server = RedisServer(tmp_path / "redis")
    server.start()
    yield server
    server.stop()


def _submit(citizen_submission, label: str, count: int) -> list[int]:
    """``count`` submissions, then the planner's run (beat sends it every 2 s; ADR 0174): here in this process,
    so that its rows exist even while the broker is down (their queueing then waits for the sweeper)."""
    ids = [
        item_submit(**{**citizen_submission, "submitter_phone": "", "title": f"{label} {i}"}).item.id
        for i in range(count)
    ]
    sweeping.submissions_plan()
    return ids


def test_the_worker_survives_a_30_second_broker_outage_and_delivers_everything_afterwards(
    mail_dir, citizen_submission, own_redis, settings
):
    queue = f"test-outage-{uuid.uuid4().hex[:8]}"
    broker = {"CELERY_BROKER_URL": own_redis.url, "CELERY_RESULT_BACKEND": own_redis.url, "REDIS_URL": own_redis.url}
    with broker_at(own_redis.url), own_queue(queue):
        settings.CELERY_TASK_ALWAYS_EAGER = False
        worker = start_worker(queue, name=queue, extra_env=broker)
        try:
            # given a worker delivering on our broker: 5 submissions are delivered (citizen + officer each)
            _submit(citizen_submission, "Trước sự cố", 5)
            wait_for(lambda: len(keys(mail_dir)) >= 10)

            # when the broker stops for 30 s, while 5 citizens submit
            own_redis.stop()
            stopped = time.monotonic()
            _submit(citizen_submission, "Trong sự cố", 5)
            time.sleep(max(0.0, 30 - (time.monotonic() - stopped)))

            # then the worker is still running (it used to exit ~2 s in with "Unrecoverable error")
            assert worker.poll() is None

            # when the broker comes back, and beat's sweeper task runs through it
            own_redis.start()
            wait_for(lambda: worker.poll() is None and _pong(queue), timeout=90, interval=1)
            tasks.notifications_sweep.apply_async()
            _submit(citizen_submission, "Sau sự cố", 5)

            # then every notification of the 15 submissions is delivered, each exactly once, by the same worker
            wait_for(lambda: not Notification.objects.exclude(status=NotificationStatus.SENT).exists(), timeout=90)
            sent = keys(mail_dir)
            assert len(sent) == 30
            assert len(set(sent)) == 30
            assert worker.poll() is None
        finally:
            stop_worker(worker)
    with open(f"/tmp/celery-worker-{queue}.log") as f:
        log = f.read()
    assert "Unrecoverable error" not in log
    assert "Cannot connect to" in log or "Connection to broker lost" in log


def _pong(queue: str) -> bool:
    from mttq_portal.celery import app

    return bool(app.control.ping(destination=[f"{queue}@localhost"], timeout=1))


def test_after_kill_minus_nine_and_a_restart_every_notification_arrives_within_two_minutes_exactly_once(
    mail_dir, citizen_submission, settings, tmp_path, monkeypatch
):
    # given 30 submissions waiting in the outbox (60 emails), and a worker that sends slowly (0.3 s each)
    queue = f"test-kill-{uuid.uuid4().hex[:8]}"
    markers = tmp_path / "markers"
    markers.mkdir()
    monkeypatch.setenv("TEST_EMAIL_BACKEND", "tests.feedback.slowmail.SlowFileEmailBackend")
    with own_queue(queue):
        settings.CELERY_TASK_ALWAYS_EAGER = False
        with broker_at("redis://127.0.0.1:1/0"):
            _submit(citizen_submission, "Kiến nghị", 30)
        expected = set(Notification.objects.filter(channel="email").values_list("key", flat=True))
        assert len(expected) == 60
        slow = {"SLOW_MAIL_MARKERS": str(markers), "SLOW_MAIL_SECONDS": "0.3"}
        first = start_worker(queue, name=f"{queue}-1", extra_env=slow)
        try:
            tasks.notifications_sweep.apply_async()
            # when the worker is killed with -9 while it sends the 10th message of its batch
            wait_for(lambda: len(list(markers.iterdir())) >= 10, interval=0.01)
            os.kill(first.pid, signal.SIGKILL)
            first.wait(timeout=10)
        finally:
            stop_worker(first)
        assert 5 <= len(keys(mail_dir)) < 60
        assert Notification.objects.filter(status=NotificationStatus.SENDING).count() == 1

        # and a new worker starts, with the default claim and sweep settings, and beat sends the sweep every 30 s
        second = start_worker(queue, name=f"{queue}-2", extra_env={"SLOW_MAIL_SECONDS": "0"})
        restarted = time.monotonic()
        try:
            done = False
            while not done and time.monotonic() - restarted < 150:
                tasks.notifications_sweep.apply_async()
                sweep_at = time.monotonic()
                while time.monotonic() - sweep_at < 30:
                    if not Notification.objects.exclude(status=NotificationStatus.SENT).exists():
                        done = True
                        break
                    time.sleep(0.5)
            elapsed = time.monotonic() - restarted
        finally:
            stop_worker(second)

    # then within two minutes of the restart every notification was sent, each exactly once
    print(f"all 60 delivered {elapsed:.1f}s after the restart")
    assert done
    assert elapsed < 120
    sent = keys(mail_dir)
    assert sorted(sent) == sorted(expected)


def test_a_live_worker_sending_slower_than_the_claim_timeout_keeps_its_claim_through_the_heartbeat(
    mail_dir, citizen_submission, settings, tmp_path, monkeypatch
):
    # given claims that lapse after 3 s without a heartbeat, a heartbeat every second, and a mail server
    # that takes 6 s per message
    queue = f"test-heartbeat-{uuid.uuid4().hex[:8]}"
    markers = tmp_path / "markers"
    markers.mkdir()
    monkeypatch.setenv("TEST_EMAIL_BACKEND", "tests.feedback.slowmail.SlowFileEmailBackend")
    claims = {"NOTIFICATIONS_CLAIM_TIMEOUT_SECONDS": "3", "NOTIFICATIONS_CLAIM_HEARTBEAT_SECONDS": "1"}
    settings.NOTIFICATIONS_CLAIM_TIMEOUT_SECONDS = 3
    settings.NOTIFICATIONS_REQUEUE_AFTER_SECONDS = 3600
    with own_queue(queue):
        settings.CELERY_TASK_ALWAYS_EAGER = False
        with broker_at("redis://127.0.0.1:1/0"):
            _submit({**citizen_submission, "consent_contact": False}, "Kiến nghị", 2)
        assert Notification.objects.filter(channel="email").count() == 2
        worker = start_worker(
            queue, name=queue, extra_env={**claims, "SLOW_MAIL_MARKERS": str(markers), "SLOW_MAIL_SECONDS": "6"}
        )
        try:
            tasks.notifications_sweep.apply_async()
            wait_for(lambda: len(list(markers.iterdir())) >= 1, interval=0.05)
            # when the sweeper runs 5 s into the first send (past the 3 s timeout)
            time.sleep(5)
            result = sweeping.notifications_sweep()
            # then it releases nothing and queues nothing: the worker is alive and renewing its claims
            assert (result.reclaimed, result.queued) == (0, 0)
            wait_for(lambda: not Notification.objects.exclude(status=NotificationStatus.SENT).exists(), timeout=60)
        finally:
            stop_worker(worker)
    # and each message was sent once
    assert len(keys(mail_dir)) == 2
    assert len(list(markers.iterdir())) == 2
