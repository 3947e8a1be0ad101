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
    return [
        item_submit(**{**citizen_submission, "submitter_phone": "", "title": f"{label} {i}"}).item.id
        for i in range(count)
    ]


def test_the_worker_survives_a_30_second_broker_outage_and_delivers_everything_afterwards(
    mail_dir, citizen_submission, own_redis, settings
):
    queue = f"test-outage-{uuid.uuid4().hex[:8]}"
    broker = {"CELERY_BROKER_URL": own_redis.url, "CELERY_RESULT_BACKEND": own_redis.url, "REDIS_URL": own_redis.url}
    settings.NOTIFICATIONS_SUBMIT_GRACE_SECONDS = 3600
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
    log = open(f"/tmp/celery-worker-{queue}.log").read()
    assert "Unrecoverable error" not in log
    assert "Cannot connect to" in log or "Connection to broker lost" in log


def _pong(queue: str) -> bool:
    from mttq_portal.celery import app

    return bool(app.control.ping(destination=[f"{queue}@localhost"], timeout=1))
