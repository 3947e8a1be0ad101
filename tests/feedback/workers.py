"""Start and kill real Celery worker processes (the kill -9 test needs its own, restartable workers)."""

import os
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

from mttq_portal.celery import app

ROOT = Path(__file__).resolve().parent.parent.parent


def worker_env() -> dict:
    """The environment of another process working on this test database."""
    s = connection.settings_dict
    url = f"postgres://{s['USER'] or 'postgres'}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "mttq_portal.settings.test", "DATABASE_URL": url}


worker_env.root = ROOT


def start_worker(queue: str, *, name: str, extra_env: dict | None = None) -> subprocess.Popen:
    env = {
        **worker_env(),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        **(extra_env or {}),
    }
    log = open(f"/tmp/celery-worker-{name}.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "mttq_portal", "worker", "-P", "solo", "-Q", queue,
         "-n", f"{name}@localhost", "--without-gossip", "--without-mingle", "--loglevel=INFO"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if app.control.ping(destination=[f"{name}@localhost"], timeout=0.5):
            return process
        if process.poll() is not None:
            raise RuntimeError(f"worker exited early, see /tmp/celery-worker-{name}.log")
    raise RuntimeError("worker did not answer")


def stop_worker(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
