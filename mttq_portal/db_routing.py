"""Reads that may go to the streaming replica, and everything else to the primary (docs/adr/0165).

- Only GET/HEAD requests under ``DATABASE_REPLICA_PATHS`` (dashboards, report files and exports, the report
  API, Open311) read from the ``replica`` alias; writes, tasks, the admin and every other page use the primary.
- Read-your-writes: after a request that may have written (POST, PUT, PATCH, DELETE) the browser carries a
  short cookie (``DATABASE_PIN_SECONDS``) that keeps its reads on the primary, so an officer who just moved an
  item never sees the board without it.
- The replica is used only while it answers and lags less than ``DATABASE_REPLICA_MAX_LAG_SECONDS``; the
  state is checked at most every ``DATABASE_REPLICA_CHECK_SECONDS`` per process. Otherwise reads fall back
  to the primary (slower, never wrong).
"""

import contextvars
import logging
import threading
import time

from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)

REPLICA = "replica"
PIN_COOKIE = "mttq_primary"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

use_replica_var: contextvars.ContextVar[bool] = contextvars.ContextVar("use_replica", default=False)

# Lag: zero when the replica has replayed everything it received (an idle primary sends nothing new, so the
# last replayed transaction's age is no measure then); otherwise the age of the last replayed transaction.
LAG_SQL = """
    SELECT CASE
        WHEN NOT pg_is_in_recovery() THEN 0
        WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
        ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
    END"""


class ReplicaState:
    """Whether the replica may serve reads now; one probe per interval per process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._checked_at = 0.0
        self._usable = False

    def usable(self) -> bool:
        now = time.monotonic()
        with self._lock:
            if now - self._checked_at < settings.DATABASE_REPLICA_CHECK_SECONDS:
                return self._usable
            self._checked_at = now
        usable = self._probe()
        with self._lock:
            self._usable = usable
        return usable

    def forget(self) -> None:
        with self._lock:
            self._checked_at = 0.0

    @staticmethod
    def _probe() -> bool:
        connection = connections[REPLICA]
        try:
            with connection.cursor() as cursor:
                cursor.execute(LAG_SQL)
                lag = float(cursor.fetchone()[0])
        except Exception as exc:
            logger.warning("Read replica unavailable, reading from the primary (%s)", type(exc).__name__)
            connection.close()
            return False
        if lag > settings.DATABASE_REPLICA_MAX_LAG_SECONDS:
            logger.warning("Read replica %.1f s behind, reading from the primary", lag)
            return False
        return True


replica_state = ReplicaState()


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES and not settings.DATABASES[REPLICA].get("TEST", {}).get("MIRROR")


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if use_replica_var.get() and replica_state.usable():
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database and its copy

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class ReplicaReadsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.paths = tuple(settings.DATABASE_REPLICA_PATHS)

    def __call__(self, request):
        eligible = (
            replica_configured()
            and request.method in SAFE_METHODS
            and request.path.startswith(self.paths)
            and PIN_COOKIE not in request.COOKIES
        )
        token = use_replica_var.set(eligible)
        try:
            response = self.get_response(request)
        finally:
            use_replica_var.reset(token)
        if request.method not in SAFE_METHODS and replica_configured():
            response.set_cookie(
                PIN_COOKIE, "1", max_age=settings.DATABASE_PIN_SECONDS, httponly=True, samesite="Lax",
                secure=request.is_secure(),
            )  # fmt: skip
        return response
