"""The Celery application. Reliability settings live in settings.base (CELERY_*)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mttq_portal.settings.base")

app = Celery("mttq_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="mttq_portal.health.ping", acks_late=True)
def ping() -> str:
    """Health check: proves a worker consumes from the broker and can reach the database."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "pong"
