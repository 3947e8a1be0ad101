import os
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


def test_the_embedded_default_runs_tasks_inline_without_a_broker():
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CELERY_BROKER_URL", "DATABASE_URL")}
    env["DJANGO_SETTINGS_MODULE"] = "mttq_portal.settings.base"
    code = (
        "from django.conf import settings; "
        "print(settings.CELERY_TASK_ALWAYS_EAGER, settings.DATABASES['default']['ENGINE'])"
    )

    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    assert out.split() == ["True", "django.db.backends.sqlite3"]
