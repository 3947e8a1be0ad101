"""Request ids in logs and tasks, JSON logs, Prometheus metrics behind a token.

- Every request gets an id (the proxy's ``X-Request-ID`` when it is sane, else a new one), returned in the
  response header and put on every log record of the request (``RequestIdFilter``).
- A task enqueued during the request carries the id in a Celery message header (``before_task_publish``),
  and the worker puts it back on the records it logs while the task runs (``task_prerun``/``task_postrun``),
  so one citizen's submission can be followed from the web into the delivery of its emails.
- ``/metrics`` is django-prometheus's exposition, plus a collector of domain gauges read at scrape time
  (outbox, overdue items, broker queues); it answers only with ``Authorization: Bearer <METRICS_TOKEN>``.
"""

import contextvars
import hmac
import logging
import re
import uuid
from typing import Any

from celery.signals import before_task_publish, task_postrun, task_prerun
from django.conf import settings
from django.http import Http404

logger = logging.getLogger(__name__)

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
# The request being served, for code that has none in hand (signal receivers writing the security log: who
# deleted a second factor in the admin). Reset when the response leaves; never logged.
current_request_var: contextvars.ContextVar[Any] = contextvars.ContextVar("current_request", default=None)
SANE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
HEADER = "request_id"


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if SANE_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        request_token = current_request_var.set(request)
        try:
            response = self.get_response(request)
        finally:
            current_request_var.reset(request_token)
            request_id_var.reset(token)
        response["X-Request-ID"] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (empty outside a request or a task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = request_id_var.get()
        return True


# Tasks beat sends every few seconds: Celery's routine lines about them ("Sending due task", "received",
# "succeeded") would be most of the log. Their own service logs what they did when they did something.
ROUTINE_TASKS = ("feedback.submissions_plan",)
_CELERY_ROUTINE_LOGGERS = ("celery.beat", "celery.worker.strategy", "celery.app.trace")


class RoutineTicksFilter(logging.Filter):
    """Drops Celery's INFO lines about the routine tasks (warnings and errors about them are kept)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING or record.name not in _CELERY_ROUTINE_LOGGERS:
            return True
        message = record.getMessage()
        return not any(task in message for task in ROUTINE_TASKS)


@before_task_publish.connect
def _carry_request_id(headers=None, **kwargs) -> None:
    request_id = request_id_var.get()
    if request_id and headers is not None and not headers.get(HEADER):
        headers[HEADER] = request_id


_task_tokens: dict[str, contextvars.Token] = {}


@task_prerun.connect
def _restore_request_id(task_id=None, task=None, **kwargs) -> None:
    request_id = getattr(task.request, HEADER, None) or ""
    _task_tokens[task_id] = request_id_var.set(request_id)
    if request_id:
        logger.info("Task %s started", task.name, extra={"task_id": task_id})


@task_postrun.connect
def _forget_request_id(task_id=None, **kwargs) -> None:
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        request_id_var.reset(token)


# --------------------------------------------------------------------------------------------------------
# Metrics.
# --------------------------------------------------------------------------------------------------------


def metrics_view(request):
    """django-prometheus's exposition, for the scraper that holds METRICS_TOKEN (404 for anybody else)."""
    from django_prometheus.exports import ExportToDjangoView

    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not token or not hmac.compare_digest(given.encode(), token.encode()):
        raise Http404
    register_domain_metrics()
    return ExportToDjangoView(request)


class DomainCollector:
    """Gauges computed at scrape time with a few indexed queries (no per-row work)."""

    def collect(self):
        from prometheus_client.core import GaugeMetricFamily

        from feedback.selectors.health import outbox_state, overdue_counts

        try:
            outbox, overdue_by_step = outbox_state(), overdue_counts()
        except Exception:  # the database is away: the scrape still answers (the request metrics, the queues)
            logger.warning("Domain metrics unavailable", exc_info=True)
            outbox, overdue_by_step = None, {}
        yield from self._outbox(outbox)
        overdue = GaugeMetricFamily("mttq_items_overdue", "Open feedback items past their due date", labels=["step"])
        for step, count in overdue_by_step.items():
            overdue.add_metric([step], count)
        yield overdue
        queues = GaugeMetricFamily("mttq_task_queue_length", "Messages waiting in a Celery queue", labels=["queue"])
        for queue, length in broker_queue_lengths().items():
            queues.add_metric([queue], length)
        yield queues

    def _outbox(self, outbox):
        from prometheus_client.core import GaugeMetricFamily

        if outbox is None:
            return
        pending = GaugeMetricFamily("mttq_outbox_pending", "Email and SMS notifications not yet sent")
        pending.add_metric([], outbox.pending)
        yield pending
        age = GaugeMetricFamily("mttq_outbox_oldest_age_seconds", "Age of the oldest due, unsent notification")
        age.add_metric([], outbox.oldest_age_seconds)
        yield age
        failed = GaugeMetricFamily("mttq_outbox_failed", "Notifications given up after the last attempt")
        failed.add_metric([], outbox.failed)
        yield failed
        unplanned = GaugeMetricFamily(
            "mttq_submissions_unplanned_oldest_age_seconds", "Age of the oldest submission not yet planned by beat"
        )
        unplanned.add_metric([], outbox.unplanned_age_seconds)
        yield unplanned


def broker_queue_lengths() -> dict[str, int]:
    """Messages waiting in each Celery queue (Redis lists); empty when tasks run inline or the broker is away."""
    from mttq_portal.celery import app

    if app.conf.task_always_eager:
        return {}
    names = {app.conf.task_default_queue, *settings.CELERY_QUEUE_NAMES.values()}
    try:
        with app.connection_for_read() as connection:
            client = connection.default_channel.client
            return {name: int(client.llen(name)) for name in sorted(names)}
    except Exception:
        logger.warning("Broker queue lengths unavailable", exc_info=True)
        return {}


_registered = False


def register_domain_metrics() -> None:
    global _registered
    if _registered:
        return
    from prometheus_client import REGISTRY

    REGISTRY.register(DomainCollector())
    _registered = True
