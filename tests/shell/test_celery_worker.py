import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mttq_portal.celery import ping

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.mark.worker
def test_a_real_worker_consumes_from_redis_and_reaches_the_database(celery_worker_process):
    result = ping.apply_async(queue=celery_worker_process)

    assert result.get(timeout=30) == "pong"


def _settings_in_a_fresh_process(env_overrides: dict, *names: str) -> subprocess.CompletedProcess:
    keep = ("PATH", "HOME", "LANG")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update({"DJANGO_SETTINGS_MODULE": "mttq_portal.settings.base", **env_overrides})
    code = "import django; django.setup(); from django.conf import settings; " + "; ".join(
        f"print(repr(settings.{name}))" for name in names
    )
    return subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=False)


def test_with_redis_url_and_no_broker_url_tasks_are_queued_on_redis_not_run_inline():
    # Given REDIS_URL set and CELERY_BROKER_URL unset (the README's table says: queued for a worker)
    result = _settings_in_a_fresh_process(
        {"DATABASE_URL": "postgres://u@127.0.0.1:5432/x", "REDIS_URL": "redis://127.0.0.1:6399/3"},
        "CELERY_BROKER_URL",
        "CELERY_TASK_ALWAYS_EAGER",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["'redis://127.0.0.1:6399/3'", "False"]


def test_with_neither_redis_url_nor_broker_url_tasks_run_inline():
    result = _settings_in_a_fresh_process(
        {"DATABASE_URL": "postgres://u@127.0.0.1:5432/x"}, "CELERY_BROKER_URL", "CELERY_TASK_ALWAYS_EAGER"
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["''", "True"]


def test_without_database_url_the_settings_say_how_to_start_the_embedded_servers(tmp_path):
    # Given a copy of the settings package with no var/embedded.env beside it, and no URL in the environment
    shutil.copytree(ROOT / "mttq_portal", tmp_path / "mttq_portal", ignore=shutil.ignore_patterns("__pycache__"))
    env = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "mttq_portal.settings.base",
    }

    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; settings.DATABASES"],
        env=env, cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip

    assert result.returncode != 0
    assert "DATABASE_URL is not set" in result.stderr
    assert "make run" in result.stderr


def test_sqlite_is_refused():
    result = _settings_in_a_fresh_process({"DATABASE_URL": "sqlite:////tmp/x.sqlite3"}, "DATABASES")

    assert result.returncode != 0
    assert "must be a PostgreSQL URL" in result.stderr


def test_manage_py_without_database_url_runs_offline_commands_and_refuses_the_others_in_one_line(tmp_path):
    # Given a copy of the code with no var/embedded.env beside it, and no URL in the environment
    for package in ("mttq_portal", "organizations", "feedback", "programs", "targets", "reports", "locale"):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path)}

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args], env=env, cwd=tmp_path, capture_output=True, text=True, check=False
        )

    # When a command that reads only the code runs, then it works (the pre-commit and catalogue habits)
    offline = manage("makemigrations", "--check", "--dry-run")
    assert offline.returncode == 0, offline.stderr
    assert "No changes detected" in offline.stdout

    # When a command that needs the database runs, then it says how to start one, without a traceback
    refused = manage("migrate")
    assert refused.returncode == 2
    assert refused.stderr.startswith("DATABASE_URL is not set")
    assert "Traceback" not in refused.stderr
