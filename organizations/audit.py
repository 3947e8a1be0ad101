"""The security event log: one service writes it, one purges it (docs/adr/0120-security-event-log.md).

Events carry who (user id and name), when, from which address, what kind and which object, never a
citizen's personal data: a detail names an item by its id or tracking code, not by its submitter.
"""

import csv
import json
from collections.abc import Iterable, Iterator
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from mttq_portal.request_ip import request_client_ip

from .models import SecurityEvent, SecurityEventKind


def _address(request) -> str | None:
    return request_client_ip(request) if request is not None else None


def _actor(request, actor):
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    if actor is None:
        return None, ""
    return getattr(actor, "pk", None), (actor.get_username() if hasattr(actor, "get_username") else str(actor))


def security_event_record(
    *,
    kind: SecurityEventKind | str,
    request=None,
    actor=None,
    actor_username: str = "",
    object_type: str = "",
    object_id: str | int = "",
    detail: dict | None = None,
) -> SecurityEvent:
    """Append one event. ``actor`` defaults to the request's authenticated user (or token identity)."""
    actor_id, username = _actor(request, actor)
    return SecurityEvent.objects.create(
        kind=kind,
        actor_id=actor_id,
        actor_username=(username or actor_username)[:150],
        ip_address=_address(request),
        object_type=object_type[:60],
        object_id=str(object_id)[:64],
        detail=detail or {},
    )


def security_events_purge(*, now=None) -> int:
    """Remove events older than ``SECURITY_LOG_RETENTION_DAYS``; the run itself is logged.

    The trigger refuses every DELETE except one below the cut-off that this transaction announced with
    ``SET LOCAL``, so neither the ORM nor a stray SQL client can thin the log.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.SECURITY_LOG_RETENTION_DAYS)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('mttq.security_purge_before', %s, true)", [cutoff.isoformat()])
        cursor.execute("DELETE FROM organizations_securityevent WHERE created_at < %s", [cutoff])
        removed = cursor.rowcount
        security_event_record(
            kind=SecurityEventKind.RETENTION_RUN,
            actor_username="system",
            object_type="security_event",
            detail={"removed": removed, "before": cutoff.isoformat()},
        )
    return removed


CSV_COLUMNS = ["created_at", "kind", "actor_id", "actor_username", "ip_address", "object_type", "object_id", "detail"]


class _Echo:
    def write(self, value):
        return value


def security_events_csv_rows(events: Iterable[SecurityEvent]) -> Iterator[str]:
    """CSV lines for auditors (UTF-8 with BOM so spreadsheet programs read the diacritics)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(CSV_COLUMNS)
    for event in events:
        yield writer.writerow(
            [
                timezone.localtime(event.created_at).isoformat(),
                event.kind,
                event.actor_id or "",
                event.actor_username,
                event.ip_address or "",
                event.object_type,
                event.object_id,
                json.dumps(event.detail, ensure_ascii=False),
            ]
        )
