"""The Celery application. Reliability settings live in settings.base (CELERY_*)."""

import os

from celery import Celery
from celery.signals import beat_init, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mttq_portal.settings.base")

app = Celery("mttq_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The request id travels from the web into the tasks it enqueues (Celery signals).
from . import observability  # noqa: E402, F401


@worker_init.connect
@beat_init.connect
def wait_for_the_broker_forever(**kwargs) -> None:
    """Workers and beat outlive a broker outage; the web does not wait for it.

    ``CELERY_BROKER_CONNECTION_MAX_RETRIES`` is 1 so that a web request never hangs on a dead broker (the
    outbox in the database catches what could not be queued). A worker or beat with that limit would exit
    about 2 s into an outage and deliver nothing until restarted, so long-lived processes retry with kombu's
    backoff (2 s, 4 s, ... up to 30 s between attempts) for as long as ``CELERY_WORKER_BROKER_MAX_RETRIES``
    says: 0 (the default) means forever. See docs/adr/0160-workers-outlive-the-broker.md.
    """
    from django.conf import settings

    retries = getattr(settings, "CELERY_WORKER_BROKER_MAX_RETRIES", 0)
    app.conf.broker_connection_max_retries = retries or None
    app.conf.broker_connection_retry = True
    app.conf.broker_connection_retry_on_startup = True


@app.task(name="mttq_portal.health.ping", acks_late=True)
def ping() -> str:
    """Health check: proves a worker consumes from the broker and can reach the database."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "pong"
