"""Readiness checks (django-health-check) beyond the library's database and cache checks.

``/healthz`` stays the cheap liveness probe; ``/readyz`` answers 200 only when the database, the cache,
the broker, the migrations, beat and the outbox are all well (docs/adr/0163-health-and-metrics.md);
``/readyz/web`` is the gate for sending traffic to one web process: its release's migrations are applied
(docs/adr/0181-the-webs-readiness-is-its-own.md).
"""

import dataclasses
import datetime

from django.conf import settings
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView


@dataclasses.dataclass
class Broker(HealthCheck):
    """The Celery broker answers (a connection and a no-op round trip, bounded by the broker timeout)."""

    timeout = datetime.timedelta(seconds=3)

    def run(self) -> None:
        from mttq_portal.celery import app

        if app.conf.task_always_eager:
            return  # the embedded default runs tasks inline: there is no broker to be down
        try:
            with app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=1, timeout=2)
                connection.default_channel  # noqa: B018 (opens the channel: a real round trip)
        except Exception as exc:
            raise ServiceUnavailable("broker unreachable") from exc


_migrations_applied = False


@dataclasses.dataclass
class Migrations(HealthCheck):
    """Every migration of the code is applied (a new release before `migrate` is not ready).

    Once true it stays true for the process (migrations are not unapplied under running code), so the graph is
    loaded once, not on every probe."""

    def run(self) -> None:
        global _migrations_applied
        if _migrations_applied:
            return
        from django.db import connection
        from django.db.migrations.executor import MigrationExecutor

        try:
            executor = MigrationExecutor(connection)
            plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        finally:
            connection.close()  # this runs on an executor thread: do not leave its connection open
        if plan:
            raise ServiceUnavailable("unapplied migrations")
        _migrations_applied = True


@dataclasses.dataclass
class BeatLastRun(HealthCheck):
    """Beat sent the notification sweep recently (django-celery-beat records each run's time)."""

    def run(self) -> None:
        from django.db.models import Max
        from django.utils import timezone
        from django_celery_beat.models import PeriodicTask

        if settings.CELERY_TASK_ALWAYS_EAGER:
            return
        from django.db import connection

        try:
            # (a maximum, not the first row in descending order: PostgreSQL sorts a never-run task's NULL first)
            last = PeriodicTask.objects.filter(task="feedback.notifications_sweep", enabled=True).aggregate(
                last=Max("last_run_at")
            )["last"]
        finally:
            connection.close()
        limit = settings.READINESS_BEAT_MAX_AGE_SECONDS
        if last is None:
            # A new installation until beat's scheduler first writes its runs down (every 3 minutes).
            raise ServiceUnavailable("beat has not run the sweep yet")
        if (timezone.now() - last).total_seconds() > limit:
            raise ServiceUnavailable(f"beat has not run the sweep for more than {limit} s")


@dataclasses.dataclass
class OutboxAge(HealthCheck):
    """No due notification, and no submission waiting for beat's planner, has waited longer than the limit
    (beat and the workers are working)."""

    def run(self) -> None:
        from django.db import connection

        from feedback.selectors.health import outbox_state

        try:
            state = outbox_state()
        finally:
            connection.close()
        limit = settings.READINESS_OUTBOX_MAX_AGE_SECONDS
        if state.oldest_age_seconds > limit:
            raise ServiceUnavailable(f"the oldest due notification waits for {int(state.oldest_age_seconds)} s")
        if state.unplanned_age_seconds > limit:
            waited = int(state.unplanned_age_seconds)
            raise ServiceUnavailable(f"the oldest submission waits to be planned for {waited} s")


# Whether traffic may go to this web process (ADR 0181): its release's migrations are applied (checked
# against the database until true, then remembered). Nothing every web process shares is counted: with
# beat stopped, a worker late or Redis down a citizen's submission is still stored (the outbox and the
# planner catch up, ADR 0174), and with PostgreSQL down the page that keeps what they typed (ADR 0162) is
# only shown if their request still reaches a web process; counting those would take every web process out
# of service at once and leave the citizen a proxy's empty error instead.
WEB_READINESS_CHECKS = (Migrations,)

# Everything the portal needs to be fully well: what monitoring, alerts and the restore drill watch.
READINESS_CHECKS = (
    "health_check.checks.Database",
    "health_check.checks.Cache",
    Broker,
    Migrations,
    BeatLastRun,
    OutboxAge,
)


# Seconds a probe that found the portal not ready is asked to wait (beat's sweep runs every few seconds).
READINESS_RETRY_AFTER_SECONDS = 30


class ReadinessView(HealthCheckView):
    """django-health-check's view, answering 503 with ``Retry-After`` when a check fails: "not ready yet,
    ask again", which is what an orchestrator and a load balancer expect, instead of the library's 500,
    which says the probe itself broke (ADR 0163). Prometheus and feed formats keep the library's 200."""

    async def get(self, request, *args, **kwargs):
        response = await super().get(request, *args, **kwargs)
        if response.status_code == 500:
            response.status_code = 503
            response.reason_phrase = "Service Unavailable"
            response["Retry-After"] = str(READINESS_RETRY_AFTER_SECONDS)
        return response
