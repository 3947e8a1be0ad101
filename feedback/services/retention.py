"""Retention that erases (Law 91/2025; Decree 356/2025): what is left of a closed item after
``RETENTION_ANONYMISE_AFTER_DAYS`` is what statistics need (docs/adr/0125-retention-erases.md).

Kept: type, category, commune and residential area, channel, flags, dates, statuses and on-time flags, the
responsible agency, the public answer written by the Front, and the status history without text.
Erased: the submitter's identity, the title (replaced by its public summary when the item was published with
consent, else by a marker), the content and request text, the place, the search copy, the coordinates, the
citizen's rating comment, every event's note and the free text in its data, the files (deleted from storage,
rows marked), the notifications' contexts and addresses; notifications still waiting to go out are cancelled.

The statements are set-based: one batch of items is claimed with ``FOR UPDATE SKIP LOCKED`` and every table
is rewritten with one statement per batch. Only the published titles (which need the submitter's name to be
masked by ``public_summary``) and the files (one storage call each) are handled per row, within the batch.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

from organizations.audit import security_event_record
from organizations.models import SecurityEventKind

from ..models import ANSWERED_STATUSES, CLOSED_STATUSES, Attachment, EventKind, Item, NotificationStatus
from ..selectors.public import public_summary

ANONYMISED_ADDRESS = "[anonymised]"
ERASED_TITLE = "[…]"
# Event data keys that carry codes and numbers, not text (statistics read ``move``).
EVENT_DATA_KEPT_KEYS = [
    "move",
    "result",
    "follows",
    "merged_item",
    "from",
    "to",
    "extension_request",
    "satisfied",
    "reason",
    "channel",
    "triage_rule_id",
    "triage_days",
    "day_count",
    "attachments",
    "after_days",
]

_ERASE_SQL = """
WITH items AS (
    UPDATE feedback_item i SET
        submitter_name = '', submitter_phone = '', submitter_email = '', submitter_address = '',
        title = COALESCE(summaries.title, %(erased_title)s),
        content = '', request_text = '', address_text = '', search_text = '', rating_comment = '',
        latitude = NULL, longitude = NULL, idempotency_key = NULL,
        consent_contact = false,
        anonymized_at = %(now)s, updated_at = %(now)s
    FROM unnest(%(ids)s::bigint[]) AS batch(id)
    LEFT JOIN unnest(%(summary_ids)s::bigint[], %(summaries)s::text[]) AS summaries(id, title)
        ON summaries.id = batch.id
    WHERE i.id = batch.id
    RETURNING i.id
),
events AS (
    UPDATE feedback_itemevent e SET
        note = '',
        data = COALESCE(
            (SELECT jsonb_object_agg(key, value) FROM jsonb_each(e.data) WHERE key = ANY(%(kept_keys)s)),
            '{}'::jsonb
        )
    WHERE e.item_id IN (SELECT id FROM items)
),
marker AS (
    INSERT INTO feedback_itemevent
        (item_id, kind, from_status, to_status, actor_label, note, is_public, data, created_at)
    SELECT id, %(kind)s, '', '', 'system', '', false, jsonb_build_object('reason', %(reason)s), %(now)s
    FROM items
),
attachments AS (
    UPDATE feedback_attachment a SET file = '', original_name = '', erased_at = %(now)s
    WHERE a.item_id IN (SELECT id FROM items) AND a.erased_at IS NULL
),
notifications AS (
    UPDATE feedback_notification n SET
        context = '{}'::jsonb,
        recipient_address = CASE WHEN n.recipient_address <> '' THEN %(anonymised)s ELSE '' END,
        status = CASE WHEN n.status IN ('pending', 'sending') AND n.recipient_user_id IS NULL
                      THEN %(cancelled)s ELSE n.status END
    WHERE n.item_id IN (SELECT id FROM items)
)
SELECT count(*) FROM items
"""


def items_erase(*, item_ids: list[int], reason: str, now: datetime | None = None) -> int:
    """Erase the personal data and free text of the given items (already chosen and locked by the caller).

    Used by the retention run and by a citizen's erasure request handled by the Front."""
    if not item_ids:
        return 0
    now = now or timezone.now()
    rows = list(
        Item.objects.filter(id__in=item_ids).values_list(
            "id", "title", "submitter_name", "consent_publish", "status", "merged_into_id"
        )
    )
    summaries = {
        pk: public_summary(Item(title=title, submitter_name=name))
        for pk, title, name, publish, status, merged_into in rows
        if publish and status in ANSWERED_STATUSES and merged_into is None
    }
    files = list(
        Attachment.objects.filter(item_id__in=item_ids, erased_at__isnull=True)
        .exclude(file="")
        .values_list("file", flat=True)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            _ERASE_SQL,
            {
                "ids": list(item_ids),
                "summary_ids": list(summaries),
                "summaries": list(summaries.values()),
                "erased_title": ERASED_TITLE,
                "now": now,
                "kept_keys": EVENT_DATA_KEPT_KEYS,
                "kind": str(EventKind.ANONYMIZED),
                "reason": reason,
                "anonymised": ANONYMISED_ADDRESS,
                "cancelled": str(NotificationStatus.CANCELLED),
            },
        )
        count: int
        (count,) = cursor.fetchone()

    def delete_files() -> None:
        # After commit: a rolled-back erasure must not have deleted the files.
        for name in files:
            default_storage.delete(name)

    transaction.on_commit(delete_files)
    return count


def closed_items_anonymise(*, now: datetime | None = None, batch_size: int = 2000) -> int:
    """The retention run: erase items closed longer ago than ``RETENTION_ANONYMISE_AFTER_DAYS``. Safe to run
    twice and concurrently (SKIP LOCKED; an erased item has ``anonymized_at`` and is not chosen again)."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.RETENTION_ANONYMISE_AFTER_DAYS)
    total = 0
    while True:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    """SELECT id FROM feedback_item
                       WHERE anonymized_at IS NULL AND closed_at < %s AND status = ANY(%s)
                       ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED""",
                    [cutoff, [str(s) for s in CLOSED_STATUSES], batch_size],
                )
                ids = [row[0] for row in cursor.fetchall()]
            count = items_erase(item_ids=ids, reason="retention", now=now)
        total += count
        if len(ids) < batch_size:
            break
    security_event_record(
        kind=SecurityEventKind.RETENTION_RUN,
        actor_username="system",
        object_type="item",
        detail={"erased": total, "closed_before": cutoff.isoformat()},
    )
    return total
