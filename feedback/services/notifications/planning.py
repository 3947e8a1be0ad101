"""Deciding: who is told about a submission, a move or another event, written as outbox rows.

A decision writes one ``Notification`` per recipient and channel, with a unique ``key``: deciding twice
creates nothing the second time. In-app rows are delivered by being written (they are ``sent`` at once,
unread until opened); email and SMS rows stay ``pending`` for a worker (``queueing``, ``delivery``).
"""

from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from organizations.models import User

from ...models import Item, ItemEvent, Notification, NotificationChannel, NotificationStatus
from ...phones import is_vn_mobile
from ...workflow import MOVES, Move
from . import queueing
from .audiences import AUDIENCES, EVENT_TEMPLATES, Audience, audience_sql, citizen_may_be_contacted, staff_language
from .inbox import forget_unread
from .wording import CITIZEN_TEMPLATES, RESULT_LABELS

# What a row's message says, fixed when the decision is made; stored as JSON (``Notification.context``).
Context = dict[str, Any]

# One item as the relation the audience SQL reads (``audience_sql``); values are bound by the cursor.
ONE_ITEM = "(SELECT %(ref)s::text AS ref, fi.* FROM feedback_item fi WHERE fi.id = %(item)s)"


def _item_context(item: Item) -> Context:
    return {
        "code": item.tracking_code,
        "due_date": item.due_date.isoformat() if item.due_date else "",
        "step": item.due_step,
    }


def _staff_rows(*, item: Item, template: str, ref: str, event_id: int | None, context: Context) -> list[Notification]:
    """An in-app row (sent at once) and, with an address, an email row for each staff user of the audiences."""
    staff_sql = audience_sql(AUDIENCES.get(template, ()), items=ONE_ITEM)
    if not staff_sql:
        return []
    with connection.cursor() as cursor:
        cursor.execute(staff_sql + " ORDER BY r.user_id", {"ref": ref, "item": item.id})
        recipients: list[tuple[str, int, int, str | None]] = cursor.fetchall()
    now, language = timezone.now(), staff_language()
    rows: list[Notification] = []
    for _ref, _item_id, user_id, email in recipients:
        channels = (NotificationChannel.IN_APP, NotificationChannel.EMAIL) if email else (NotificationChannel.IN_APP,)
        for channel in channels:
            in_app = channel == NotificationChannel.IN_APP
            rows.append(
                Notification(
                    key=f"{template}:{ref}:{channel}:u{user_id}",
                    template=template,
                    channel=channel,
                    recipient_user_id=user_id,
                    item_id=item.id,
                    event_id=event_id,
                    context=context,
                    language=language,
                    status=NotificationStatus.SENT if in_app else NotificationStatus.PENDING,
                    sent_at=now if in_app else None,
                )
            )
    return rows


def _citizen_rows(*, item: Item, template: str, ref: str, event_id: int | None, context: Context) -> list[Notification]:
    """An email and an SMS row for the citizen, when the audiences include them and they may be contacted."""
    if Audience.CITIZEN not in AUDIENCES.get(template, ()) or not citizen_may_be_contacted(item):
        return []
    addresses: list[tuple[NotificationChannel, str]] = []
    if item.submitter_email:
        addresses.append((NotificationChannel.EMAIL, item.submitter_email))
    if item.submitter_phone and is_vn_mobile(item.submitter_phone):  # no SMS to a landline
        addresses.append((NotificationChannel.SMS, item.submitter_phone))
    language = item.submitter_language or settings.LANGUAGE_CODE
    return [
        Notification(
            key=f"{template}:{ref}:{channel}:citizen",
            template=template,
            channel=channel,
            recipient_address=address,
            item_id=item.id,
            event_id=event_id,
            context=context,
            language=language,
        )
        for channel, address in addresses
    ]


def rows_for_item(*, item: Item, template: str, ref: str, event_id: int | None, context: Context) -> list[Notification]:
    """The outbox rows of one decision about one item (not yet written): its staff audiences, then the citizen."""
    return _staff_rows(item=item, template=template, ref=ref, event_id=event_id, context=context) + _citizen_rows(
        item=item, template=template, ref=ref, event_id=event_id, context=context
    )


def _write(rows: Sequence[Notification]) -> list[int]:
    """Insert the rows (a repeat of a decision inserts nothing) and return the ids still to deliver."""
    if not rows:
        return []
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    forget_unread(
        r.recipient_user_id for r in rows if r.channel == NotificationChannel.IN_APP and r.recipient_user_id is not None
    )
    return list(
        Notification.objects.filter(key__in=[r.key for r in rows], status=NotificationStatus.PENDING)
        .order_by("id")
        .values_list("id", flat=True)
    )


def notify_item_submitted(item_id: int) -> list[int]:
    """After a submission commits: the Front officers of the commune, and the citizen's acknowledgement."""
    with transaction.atomic():
        # Once: an item planned already, or held by another planner right now, is left alone (the rows of a
        # planner that died before queueing them are queued by the sweeper).
        item = (
            Item.objects.select_for_update(no_key=True, skip_locked=True)
            .filter(pk=item_id, acknowledged_at__isnull=True)
            .first()
        )
        if item is None:
            return []
        context = _item_context(item)
        if item.triage_due_date:
            context["due_date"] = item.triage_due_date.isoformat()
        ref = f"i{item.id}"
        rows = rows_for_item(item=item, template="item_received", ref=ref, event_id=None, context=context)
        rows += rows_for_item(item=item, template="acknowledgement", ref=ref, event_id=None, context=context)
        ids = _write(rows)
        Item.objects.filter(pk=item_id).update(acknowledged_at=timezone.now())
    return ids


def _citizen_context(item: Item, event: ItemEvent | None, move: str) -> Context:
    """What the citizen's message says, fixed when the decision is made (a later re-forwarding must not
    change what an earlier message said)."""
    context = _item_context(item)
    context["agency"] = item.current_agency.name if item.current_agency is not None else ""
    if event is not None:
        if event.due_date:
            context["due_date"] = event.due_date.isoformat()
        if move in (Move.EXTEND, Move.REJECT, Move.UPHOLD):
            context["reason"] = event.note
    if move in RESULT_LABELS:
        context["result"] = str(move)
        context["answer"] = item.public_answer
    return context


def notify_item_moved(item_id: int, event_id: int, move: str) -> list[int]:
    """What a move tells is its rule's ``notice`` and ``citizen_notice`` (feedback/workflow.py); to whom,
    ``AUDIENCES``."""
    rule = MOVES.get(move)
    templates = [name for name in (rule.notice, rule.citizen_notice) if name] if rule else []
    if not templates:
        return []
    item = Item.objects.select_related("current_agency").get(pk=item_id)
    event = ItemEvent.objects.filter(pk=event_id).first()
    rows: list[Notification] = []
    for name in templates:
        context = _citizen_context(item, event, move) if name in CITIZEN_TEMPLATES else _item_context(item)
        rows += rows_for_item(item=item, template=name, ref=f"e{event_id}", event_id=event_id, context=context)
    return _write(rows)


def notify_followers(*, event_ids: Sequence[int], move: str) -> list[int]:
    """The citizens of items merged into one that was just closed: told the same result about their own
    item (their code, the answer their item now shows), once per follower's event. Staff are told about the
    target only, by the move itself."""
    rule = MOVES.get(move)
    template = rule.notice if rule else ""
    if not template:
        return []
    rows: list[Notification] = []
    events = ItemEvent.objects.filter(pk__in=list(event_ids)).select_related("item", "item__current_agency")
    for event in events.order_by("id"):
        context = _citizen_context(event.item, event, move)
        ref = f"e{event.id}"
        rows += _citizen_rows(item=event.item, template=template, ref=ref, event_id=event.id, context=context)
    return _write(rows)


def notify_item_event(*, event_id: int) -> list[int]:
    """For events that are not moves (extension requested or refused, escalation to the province).

    Call it after the commit of the service that wrote the event, then queue the ids
    (``hooks.notify_item_event_on_commit`` does both)."""
    event = ItemEvent.objects.select_related("item").get(pk=event_id)
    template = EVENT_TEMPLATES.get(event.kind)
    if template is None:
        return []
    rows = rows_for_item(
        item=event.item, template=template, ref=f"e{event.id}", event_id=event.id, context=_item_context(event.item)
    )
    return _write(rows)


def notification_send(
    *,
    key: str,
    user_ids: Iterable[int],
    template: str,
    context: Context,
    channels: Sequence[str] = (NotificationChannel.IN_APP, NotificationChannel.EMAIL),
    item_id: int | None = None,
) -> list[int]:
    """For other apps (e.g. programme milestone reminders): tell these staff users, once per ``key``.

    ``template`` must be a key of WORDING or carry its own ``subject`` and ``message`` in ``context``
    (already translated or plain). Queues delivery after commit; returns the ids written."""
    now = timezone.now()
    rows = []
    for user in User.objects.filter(id__in=list(user_ids), is_active=True).order_by("id"):
        for channel in channels:
            if channel == NotificationChannel.EMAIL and not user.email:
                continue
            in_app = channel == NotificationChannel.IN_APP
            rows.append(
                Notification(
                    key=f"{key}:{channel}:u{user.id}",
                    template=template,
                    channel=channel,
                    recipient_user=user,
                    item_id=item_id,
                    language=staff_language(),
                    context=context,
                    status=NotificationStatus.SENT if in_app else NotificationStatus.PENDING,
                    sent_at=now if in_app else None,
                )
            )
    ids = _write(rows)
    transaction.on_commit(lambda: queueing.notifications_queue(ids))
    return ids
