"""Claims on outbox rows that expire from a heartbeat, not from a fixed timeout.

A worker that takes a batch of notification ids stamps them (``claimed_at``) and a daemon thread of the
worker process renews the stamp every ``NOTIFICATIONS_CLAIM_HEARTBEAT_SECONDS`` for the rows it still holds,
including the row being sent (``status = 'sending'``). A worker killed with ``-9`` stops renewing: after
``NOTIFICATIONS_CLAIM_TIMEOUT_SECONDS`` without a heartbeat its rows are free, and the sweeper releases the
row it was sending and queues the rest of its batch again (``notifications_sweep``). A live worker, however
slow its mail server, keeps its claims, so a row is not handed to a second worker while the first sends it.

See docs/adr/0161-claims-expire-from-a-heartbeat.md.
"""

import logging
import threading
from collections import Counter
from collections.abc import Iterable

from django.conf import settings
from django.db import connection
from django.utils import timezone

logger = logging.getLogger(__name__)


class ClaimHeartbeat:
    """The ids this process holds, and one daemon thread that renews their claims while any are held."""

    def __init__(self) -> None:
        self._held: Counter[int] = Counter()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def held(self) -> list[int]:
        with self._lock:
            return sorted(self._held)

    def hold(self, ids: Iterable[int]) -> None:
        with self._lock:
            self._held.update(ids)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="claim-heartbeat", daemon=True)
                self._thread.start()

    def drop(self, ids: Iterable[int]) -> None:
        with self._lock:
            self._held.subtract(ids)
            self._held = +self._held  # forget ids no longer held

    def _run(self) -> None:
        while True:
            self._wake.wait(settings.NOTIFICATIONS_CLAIM_HEARTBEAT_SECONDS)
            ids = self.held()
            if not ids:
                continue
            try:
                renew(ids)
            except Exception:  # the database is away: the claims may lapse, the sweeper settles it later
                logger.warning("Could not renew %s notification claims", len(ids), exc_info=True)
                connection.close()


def renew(ids: list[int]) -> int:
    """Stamp the rows this process still holds, as long as nobody else took them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE feedback_notification SET claimed_at = %s WHERE id = ANY(%s) AND status IN ('pending', 'sending')",
            [timezone.now(), ids],
        )
        renewed: int = cursor.rowcount
        return renewed


def release(ids: list[int]) -> None:
    """A batch is over: rows it left pending (a retry later) are no longer held by this process."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE feedback_notification SET claimed_at = NULL WHERE id = ANY(%s) AND status = 'pending'", [ids]
        )


heartbeat = ClaimHeartbeat()
