"""Notifications: the ONE place that decides who is told about what, and the outbox that delivers it.

Deciding and delivering are separate:

1. A decision (an item was submitted, moved, chased) writes outbox rows (``Notification``) in the database,
   one per recipient and channel, with a unique ``key``: deciding twice creates nothing the second time.
   In-app rows are delivered by being written (they are ``sent`` at once, unread until opened).
2. Email and SMS rows are handed to Celery after commit (``notifications_queue``). If the broker is down
   the rows simply stay ``pending``; the sweeper (``notifications_sweep``, every minute) queues them later.
3. A worker claims a row with a conditional UPDATE (``WHERE status = 'pending'``) before delivering it, so
   two deliveries of the same task message send once; failures are retried with backoff, then ``failed``.

Who is told is expressed once per audience, as SQL over a set of items (``organizations.scope.VIEWERS_SQL``,
the reverse direction of the access scope). The same SQL
serves one item (after a submission or a move) and a million (the deadline chase, see ``deadlines``).
"""

import contextlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from organizations.scope import item_viewers_sql

from ..models import (
    EventKind,
    Item,
    ItemEvent,
    Notification,
    NotificationChannel,
    NotificationStatus,
    Step,
)
from ..phones import is_vn_mobile
from ..workflow import MOVES, Move
from . import claims

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

logger = logging.getLogger(__name__)


# --------------------------------------------------------------------------------------------------------
# What is said: one subject and one message per template, in the catalogue (Vietnamese first).
# Placeholders: code, title, commune, agency, due_date, days.
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Wording:
    subject: "StrOrPromise"
    message: "StrOrPromise"


WORDING: dict[str, Wording] = {
    "item_received": Wording(
        _("New feedback item %(code)s in %(commune)s"),
        _("A new feedback item was received in %(commune)s: “%(title)s”. Triage it by %(due_date)s."),
    ),
    "acknowledgement": Wording(
        _("We have received your feedback %(code)s"),
        _(
            "The Fatherland Front has received your feedback “%(title)s”. Its tracking code is %(code)s; keep it "
            "with your secret. By %(due_date)s the Front will tell you whether it is accepted and who handles it."
        ),
    ),
    "citizen_forwarded": Wording(
        _("Your feedback %(code)s was forwarded to %(agency)s"),
        _("Your feedback %(code)s “%(title)s” was forwarded to %(agency)s, which must answer by %(due_date)s."),
    ),
    "citizen_extended": Wording(
        _("More time was given to answer your feedback %(code)s"),
        _("%(agency)s now has until %(due_date)s to answer your feedback %(code)s. Reason: %(reason)s"),
    ),
    "citizen_answered": Wording(
        _("%(agency)s has answered your feedback %(code)s"),
        _(
            "%(agency)s has answered your feedback %(code)s “%(title)s”. The Front is checking the answer and "
            "will tell you the result."
        ),
    ),
    "citizen_reopened": Wording(
        _("The Front is looking again at your feedback %(code)s"),
        _("The Front received your disagreement with the result of your feedback %(code)s and is looking at it again."),
    ),
    "forwarded": Wording(
        _("Feedback item %(code)s forwarded to your agency"),
        _("Feedback item %(code)s “%(title)s” was forwarded to %(agency)s. Answer it by %(due_date)s."),
    ),
    "answered": Wording(
        _("Feedback item %(code)s has been answered"),
        _("%(agency)s answered feedback item %(code)s “%(title)s”. Check the answer and close the item."),
    ),
    "returned": Wording(
        _("Feedback item %(code)s returned by the agency"),
        _("The agency returned feedback item %(code)s “%(title)s” as not its competence. Triage it again."),
    ),
    "sent_back": Wording(
        _("The answer to feedback item %(code)s was sent back"),
        _("The Front sent back your answer to feedback item %(code)s “%(title)s”. Answer it by %(due_date)s."),
    ),
    "extension_requested": Wording(
        _("Extension requested for feedback item %(code)s"),
        _("%(agency)s asks for more time to answer feedback item %(code)s “%(title)s”. Decide on the request."),
    ),
    "extension_decided": Wording(
        _("Extension decided for feedback item %(code)s"),
        _("The Front decided on the extension for feedback item %(code)s “%(title)s”. Due date: %(due_date)s."),
    ),
    "disputed": Wording(
        _("The citizen disputes the result of feedback item %(code)s"),
        _("The citizen disputed the result of feedback item %(code)s “%(title)s”. It is open again."),
    ),
    "escalated_to_province": Wording(
        _("Feedback item %(code)s escalated to the provincial Front"),
        _("Feedback item %(code)s “%(title)s” of %(commune)s was escalated to the provincial Front."),
    ),
    "citizen_upheld": Wording(
        _("The Front has looked again at your feedback %(code)s"),
        _("The Front looked again at the result of your feedback %(code)s and keeps it. Why: %(reason)s"),
    ),
    "rejected": Wording(
        _("Your feedback %(code)s was not accepted"),
        _("The Fatherland Front did not accept your feedback %(code)s “%(title)s”. Reason: %(reason)s"),
    ),
    "result": Wording(
        _("Your feedback %(code)s has a result"),
        _("Your feedback %(code)s “%(title)s” is closed: %(result)s. Answer: %(answer)s"),
    ),
    "due_soon": Wording(
        _("Reminder: feedback item %(code)s is due on %(due_date)s"),
        _("Feedback item %(code)s “%(title)s” is due on %(due_date)s (%(step)s). Please handle it in time."),
    ),
    "overdue": Wording(
        _("Overdue: feedback item %(code)s was due on %(due_date)s"),
        _("Feedback item %(code)s “%(title)s” passed its due date of %(due_date)s (%(step)s). Handle it now."),
    ),
    "escalated": Wording(
        _("Escalation: feedback item %(code)s is overdue"),
        _(
            "Feedback item %(code)s “%(title)s” of %(commune)s, with %(agency)s, is overdue since %(due_date)s "
            "(%(step)s). It is escalated to you."
        ),
    ),
    "board_overdue": Wording(
        _("Feedback item %(code)s added to the provincial overdue list"),
        _(
            "Feedback item %(code)s of %(commune)s, with %(agency)s, is long overdue since %(due_date)s "
            "(%(step)s). It is on the provincial board's overdue list."
        ),
    ),
    "digest": Wording(
        _("Your daily list: %(count)s feedback items overdue or due soon"),
        _("%(count)s feedback items in your scope are overdue or due soon."),
    ),
}

CITIZEN_TEMPLATES = frozenset(
    {
        "acknowledgement",
        "citizen_forwarded",
        "citizen_extended",
        "citizen_answered",
        "citizen_reopened",
        "citizen_upheld",
        "rejected",
        "result",
    }
)
RESULT_LABELS = {
    Move.RESOLVE: _("resolved"),
    Move.ROADMAP: _("put on the roadmap"),
    Move.CANNOT_RESOLVE: _("cannot be resolved, with written grounds"),
}
SMS_ANSWER_CHARS = 120


# --------------------------------------------------------------------------------------------------------
# Who is told: audiences as SQL over a relation of items, and the table of who hears what.
# --------------------------------------------------------------------------------------------------------


class Audience(StrEnum):
    ITEM_FRONT = "item_front"  # the Front officers handling the item (its commune, or the province)
    PROVINCE_FRONT = "province_front"  # the provincial Front officers
    AGENCY = "agency"  # the officers of the item's current agency
    AGENCY_SUPERIOR = "agency_superior"  # the officers of the agency's superior (Organization.parent)
    BOARD = "board"  # the provincial board (overdue list)
    CITIZEN = "citizen"  # the submitter, only with consent to be contacted


# The SQL of each audience is the reverse direction of the scope (organizations.scope.VIEWERS_SQL): who is
# told about an item is someone who may open it.
# Who hears what. Keys are templates, or "template:step" for the deadline chase.
AUDIENCES: dict[str, tuple[Audience, ...]] = {
    "item_received": (Audience.ITEM_FRONT,),
    "acknowledgement": (Audience.CITIZEN,),
    "forwarded": (Audience.AGENCY,),
    "answered": (Audience.ITEM_FRONT,),
    "returned": (Audience.ITEM_FRONT,),
    "sent_back": (Audience.AGENCY,),
    "extension_requested": (Audience.ITEM_FRONT,),
    "extension_decided": (Audience.AGENCY,),
    "disputed": (Audience.ITEM_FRONT, Audience.AGENCY),
    "escalated_to_province": (Audience.PROVINCE_FRONT,),
    "rejected": (Audience.CITIZEN,),
    "result": (Audience.CITIZEN,),
    "citizen_forwarded": (Audience.CITIZEN,),
    "citizen_extended": (Audience.CITIZEN,),
    "citizen_answered": (Audience.CITIZEN,),
    "citizen_reopened": (Audience.CITIZEN,),
    "citizen_upheld": (Audience.CITIZEN,),
    "due_soon:dispute": (Audience.ITEM_FRONT,),
    "overdue:dispute": (Audience.ITEM_FRONT,),
    "escalated:dispute": (Audience.PROVINCE_FRONT,),
    "board_overdue:dispute": (Audience.BOARD,),
    "due_soon:triage": (Audience.ITEM_FRONT,),
    "due_soon:answer": (Audience.AGENCY,),
    "overdue:triage": (Audience.ITEM_FRONT,),
    "overdue:answer": (Audience.AGENCY, Audience.ITEM_FRONT),
    "escalated:triage": (Audience.PROVINCE_FRONT,),
    "escalated:answer": (Audience.AGENCY_SUPERIOR, Audience.PROVINCE_FRONT),
    "board_overdue:triage": (Audience.BOARD,),
    "board_overdue:answer": (Audience.BOARD,),
}

# What other events tell (recorded by the workflow services without a status change).
EVENT_TEMPLATES: dict[str, str] = {
    EventKind.EXTENSION_REQUESTED: "extension_requested",
    EventKind.EXTENSION_REFUSED: "extension_decided",
    EventKind.ESCALATED: "escalated_to_province",
}


def audience_sql(audiences: Iterable[Audience], *, items: str) -> str:
    """Distinct (ref, item_id, user_id, email) of active users in the audiences, for a relation of items."""
    return item_viewers_sql([a for a in audiences if a != Audience.CITIZEN], items=items)


def staff_language() -> str:
    return getattr(settings, "NOTIFICATIONS_STAFF_LANGUAGE", settings.LANGUAGE_CODE)


# --------------------------------------------------------------------------------------------------------
# Deciding: write the outbox rows.
# --------------------------------------------------------------------------------------------------------


def _item_context(item: Item) -> dict:
    return {
        "code": item.tracking_code,
        "due_date": item.due_date.isoformat() if item.due_date else "",
        "step": item.due_step,
    }


def _rows_for_item(*, item: Item, template: str, ref: str, event_id: int | None, context: dict) -> list[Notification]:
    now = timezone.now()
    rows: list[Notification] = []
    audiences = AUDIENCES.get(template, ())
    base = {"template": template, "item_id": item.id, "event_id": event_id, "context": context}

    staff_sql = audience_sql(
        audiences, items="(SELECT %(ref)s::text AS ref, fi.* FROM feedback_item fi WHERE fi.id = %(item)s)"
    )
    if staff_sql:
        with connection.cursor() as cursor:
            cursor.execute(staff_sql + " ORDER BY r.user_id", {"ref": ref, "item": item.id})
            recipients = cursor.fetchall()
        for _ref, _item_id, user_id, email in recipients:
            rows.append(
                Notification(
                    key=f"{template}:{ref}:in_app:u{user_id}",
                    channel=NotificationChannel.IN_APP,
                    recipient_user_id=user_id,
                    language=staff_language(),
                    status=NotificationStatus.SENT,
                    sent_at=now,
                    **base,
                )
            )
            if email:
                rows.append(
                    Notification(
                        key=f"{template}:{ref}:email:u{user_id}",
                        channel=NotificationChannel.EMAIL,
                        recipient_user_id=user_id,
                        language=staff_language(),
                        **base,
                    )
                )
    if Audience.CITIZEN in audiences and citizen_may_be_contacted(item):
        language = item.submitter_language or settings.LANGUAGE_CODE
        if item.submitter_email:
            rows.append(
                Notification(
                    key=f"{template}:{ref}:email:citizen",
                    channel=NotificationChannel.EMAIL,
                    recipient_address=item.submitter_email,
                    language=language,
                    **base,
                )
            )
        if item.submitter_phone and is_vn_mobile(item.submitter_phone):  # no SMS to a landline
            rows.append(
                Notification(
                    key=f"{template}:{ref}:sms:citizen",
                    channel=NotificationChannel.SMS,
                    recipient_address=item.submitter_phone,
                    language=language,
                    **base,
                )
            )
    return rows


def citizen_may_be_contacted(item: Item) -> bool:
    """Only with the citizen's consent to be contacted (Law 91/2025), never once the data is anonymised."""
    return bool(item.consent_contact and not item.is_anonymous and item.anonymized_at is None)


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
    item = Item.objects.get(pk=item_id)
    context = _item_context(item)
    if item.triage_due_date:
        context["due_date"] = item.triage_due_date.isoformat()
    rows = _rows_for_item(item=item, template="item_received", ref=f"i{item.id}", event_id=None, context=context)
    rows += _rows_for_item(item=item, template="acknowledgement", ref=f"i{item.id}", event_id=None, context=context)
    with transaction.atomic():
        ids = _write(rows)
        # The sweeper re-plans submissions whose after-commit work never ran (a crash right after commit).
        Item.objects.filter(pk=item_id, acknowledged_at__isnull=True).update(acknowledged_at=timezone.now())
    return ids


def _citizen_context(item: Item, event: ItemEvent | None, move: str) -> dict:
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
    template = rule.notice if rule else ""
    citizen_template = rule.citizen_notice if rule else ""
    if not template and not citizen_template:
        return []
    item = Item.objects.select_related("current_agency").get(pk=item_id)
    event = ItemEvent.objects.filter(pk=event_id).first()
    rows = []
    for name in (template, citizen_template):
        if not name:
            continue
        context = _citizen_context(item, event, move) if name in CITIZEN_TEMPLATES else _item_context(item)
        rows += _rows_for_item(item=item, template=name, ref=f"e{event_id}", event_id=event_id, context=context)
    return _write(rows)


def notify_item_event(*, event_id: int) -> list[int]:
    """For events that are not moves (extension requested or refused, escalation to the province).

    Call it with ``transaction.on_commit`` from the service that wrote the event; then queue the ids with
    ``notifications_queue`` (or use ``notify_item_event_on_commit``)."""
    event = ItemEvent.objects.select_related("item").get(pk=event_id)
    template = EVENT_TEMPLATES.get(event.kind)
    if template is None:
        return []
    rows = _rows_for_item(
        item=event.item, template=template, ref=f"e{event.id}", event_id=event.id, context=_item_context(event.item)
    )
    return _write(rows)


def notify_item_event_on_commit(*, event_id: int) -> None:
    transaction.on_commit(lambda: _run_hook(lambda: notify_item_event(event_id=event_id)))


def notification_send(
    *,
    key: str,
    user_ids: Iterable[int],
    template: str,
    context: dict,
    channels: Sequence[str] = (NotificationChannel.IN_APP, NotificationChannel.EMAIL),
    item_id: int | None = None,
) -> list[int]:
    """For other apps (e.g. programme milestone reminders): tell these staff users, once per ``key``.

    ``template`` must be a key of WORDING or carry its own ``subject`` and ``message`` in ``context``
    (already translated or plain). Queues delivery after commit; returns the ids written."""
    from organizations.models import User

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
    transaction.on_commit(lambda: notifications_queue(ids))
    return ids


# --------------------------------------------------------------------------------------------------------
# The hooks: registered by FeedbackConfig.ready() into intake and transitions.
# --------------------------------------------------------------------------------------------------------


def _run_hook(plan) -> None:
    """After-commit work must never turn a committed request into an error: on failure the sweeper catches up."""
    try:
        ids = plan()
    except Exception:
        logger.exception("Planning notifications failed; the sweeper will retry")
        return
    notifications_queue(ids)


def on_item_submitted(item_id: int) -> None:
    """After a submission commits: hand the planning to a worker with one publish (ADR 0167), so the citizen's
    request does not wait for the audience query, the outbox rows and their own publishes. When tasks run
    inline, or the broker refuses the message, plan here as before (the rows must exist while Redis is down)."""
    from mttq_portal.celery import app

    from .. import tasks

    if app.conf.task_always_eager or not settings.NOTIFICATIONS_PLAN_SUBMISSIONS_IN_WORKER:
        _run_hook(lambda: notify_item_submitted(item_id))
        return
    try:
        tasks.item_submitted_plan.apply_async(args=[item_id])
    except Exception as exc:  # kombu raises several types
        logger.warning("Could not queue the planning of item %s (%s); planning now", item_id, exc)
        _run_hook(lambda: notify_item_submitted(item_id))


def on_item_moved(item_id: int, event_id: int, move: str) -> None:
    _run_hook(lambda: notify_item_moved(item_id, event_id, move))


def register_hooks() -> None:
    from . import intake

    if on_item_submitted not in intake.AFTER_SUBMIT_HOOKS:
        intake.AFTER_SUBMIT_HOOKS.append(on_item_submitted)


# --------------------------------------------------------------------------------------------------------
# Queuing: never block a request for long, never lose a row.
# --------------------------------------------------------------------------------------------------------

QUEUE_BATCH = 200


def notifications_queue(ids: Sequence[int], *, countdown: int | None = None) -> bool:
    """Hand delivery tasks to the broker; True when all were queued.

    A broker failure is logged and swallowed: the rows stay ``pending`` with no ``queued_at`` and the sweeper
    queues them when the broker is back. The broker timeouts are short (settings), and after the first
    failure the rest is not tried, so a request waits at most one timeout.
    """
    from .. import tasks

    ids = list(ids)
    queued: list[int] = []
    complete = True
    for start in range(0, len(ids), QUEUE_BATCH):
        chunk = ids[start : start + QUEUE_BATCH]
        try:
            if len(chunk) == 1:
                tasks.notification_deliver.apply_async(args=[chunk[0]], countdown=countdown)
            else:
                tasks.notifications_deliver_batch.apply_async(args=[chunk], countdown=countdown)
        except Exception as exc:  # kombu raises several types (OperationalError, ConnectionError, timeouts)
            logger.warning("Could not queue %s notifications (%s); the sweeper will queue them", len(ids) - start, exc)
            complete = False
            break
        queued.extend(chunk)
    if queued:
        # One statement however many were queued (a deadline chase may queue a hundred thousand).
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE feedback_notification SET queued_at = %s, claimed_at = NULL"
                " WHERE id = ANY(%s) AND status = 'pending'",
                [timezone.now(), queued],
            )
    return complete


def notifications_fan_out_queue(ranges: Sequence[tuple[int, int]]) -> bool:
    """Queue one task per id range (bulk decisions); the worker queues the deliveries. On a broker failure
    the rows stay pending and the sweeper queues them."""
    from .. import tasks

    try:
        for first_id, last_id in ranges:
            tasks.notifications_fan_out.apply_async(args=[first_id, last_id])
    except Exception as exc:
        logger.warning("Could not queue the fan-out of %s ranges (%s); the sweeper will queue them", len(ranges), exc)
        return False
    return True


def notifications_fan_out(*, first_id: int, last_id: int, chunk: int = 10_000) -> int:
    """Queue delivery of the pending email and SMS rows with ids in [first_id, last_id], a chunk at a time."""
    queued, after = 0, first_id - 1
    while True:
        ids = list(
            Notification.objects.filter(id__gt=after, id__lte=last_id, status=NotificationStatus.PENDING)
            .exclude(channel=NotificationChannel.IN_APP)
            .order_by("id")
            .values_list("id", flat=True)[:chunk]
        )
        if not ids:
            return queued
        if not notifications_queue(ids):
            return queued
        queued += len(ids)
        after = ids[-1]


@dataclass
class SweepResult:
    reclaimed: int = 0
    replanned: int = 0
    queued: int = 0


def notifications_sweep(*, limit: int = 5000) -> SweepResult:
    """Every 30 s (beat): release claims of dead workers, re-plan submissions whose after-commit work never
    ran, and queue every pending row that is due and is neither queued recently nor held by a live worker."""
    now = timezone.now()
    result = SweepResult()
    # Live workers renew their claims every NOTIFICATIONS_CLAIM_HEARTBEAT_SECONDS (services/claims.py); a claim
    # not renewed for the timeout belongs to a worker that died (kill -9, OOM, host lost).
    stale = now - timedelta(seconds=settings.NOTIFICATIONS_CLAIM_TIMEOUT_SECONDS)
    result.reclaimed = Notification.objects.filter(status=NotificationStatus.SENDING, claimed_at__lt=stale).update(
        status=NotificationStatus.PENDING, queued_at=None, claimed_at=None
    )
    grace = now - timedelta(seconds=settings.NOTIFICATIONS_SUBMIT_GRACE_SECONDS)
    window = now - timedelta(hours=settings.NOTIFICATIONS_SUBMIT_SWEEP_HOURS)
    missed = list(
        Item.objects.filter(acknowledged_at__isnull=True, received_at__lt=grace, received_at__gte=window)
        .order_by("received_at")
        .values_list("id", flat=True)[:500]
    )
    for item_id in missed:
        notify_item_submitted(item_id)
    result.replanned = len(missed)

    requeue = now - timedelta(seconds=settings.NOTIFICATIONS_REQUEUE_AFTER_SECONDS)
    due = list(
        Notification.objects.filter(status=NotificationStatus.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .filter(
            # the rest of a batch whose worker died (its heartbeat stopped) ...
            Q(claimed_at__lt=stale)
            # ... or rows no worker holds that were never queued, or whose message was lost long ago
            | Q(claimed_at__isnull=True) & (Q(queued_at__isnull=True) | Q(queued_at__lt=requeue))
        )
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    if due and notifications_queue(due):
        result.queued = len(due)
    return result


# --------------------------------------------------------------------------------------------------------
# Delivering one row.
# --------------------------------------------------------------------------------------------------------


class Outcome(StrEnum):
    SENT = "sent"
    SKIPPED = "skipped"  # not pending (already sent, being sent, failed) or not yet due
    RETRY = "retry"
    FAILED = "failed"


def retry_delay(attempts: int) -> int:
    base = settings.NOTIFICATIONS_RETRY_BASE_SECONDS
    # Capped well below the broker's visibility timeout, or Redis would hand the task to a second worker.
    return min(base * 2 ** max(attempts - 1, 0), settings.NOTIFICATIONS_RETRY_MAX_SECONDS)


def notifications_deliver_many(*, notification_ids: Sequence[int]) -> dict[str, int]:
    """Deliver a batch: stamp the rows as held by this worker, keep them held by the heartbeat while the
    batch runs, and let go of what is left (services/claims.py). Returns the count of each outcome."""
    ids = list(notification_ids)
    claims.renew(ids)
    claims.heartbeat.hold(ids)
    outcomes: dict[str, int] = {}
    remaining = list(reversed(ids))
    try:
        while remaining:
            notification_id = remaining[-1]
            outcome, delay = notification_deliver(notification_id=notification_id)
            claims.heartbeat.drop([remaining.pop()])
            if outcome == Outcome.RETRY:
                # Bounded retries with backoff; if this publish fails the sweeper finds the row when due.
                notifications_queue([notification_id], countdown=delay)
            outcomes[outcome.value] = outcomes.get(outcome.value, 0) + 1
    finally:
        claims.heartbeat.drop(remaining)
    claims.release(ids)
    return outcomes


def notification_deliver(*, notification_id: int) -> tuple[Outcome, int]:
    """Claim the row, deliver it, record the outcome. Returns (outcome, seconds before a retry)."""
    now = timezone.now()
    claimed = (
        Notification.objects.filter(id=notification_id, status=NotificationStatus.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(status=NotificationStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return Outcome.SKIPPED, 0
    notification = Notification.objects.select_related("recipient_user", "item__commune", "item__current_agency").get(
        pk=notification_id
    )
    try:
        if notification.channel == NotificationChannel.EMAIL:
            _send_email(notification)
        elif notification.channel == NotificationChannel.SMS:
            _send_sms(notification)
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        if notification.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
            Notification.objects.filter(pk=notification_id).update(status=NotificationStatus.FAILED, last_error=error)
            logger.error("Notification %s failed for good: %s", notification_id, error)
            return Outcome.FAILED, 0
        delay = retry_delay(notification.attempts)
        Notification.objects.filter(pk=notification_id).update(
            status=NotificationStatus.PENDING,
            last_error=error,
            next_attempt_at=timezone.now() + timedelta(seconds=delay),
            queued_at=None,
            claimed_at=None,
        )
        return Outcome.RETRY, delay
    Notification.objects.filter(pk=notification_id).update(status=NotificationStatus.SENT, sent_at=timezone.now())
    return Outcome.SENT, 0


# --------------------------------------------------------------------------------------------------------
# Rendering.
# --------------------------------------------------------------------------------------------------------


def message_context(notification: Notification) -> dict:
    """Placeholders for the wording, from the item as it is now and the decision's own context."""
    item = notification.item
    ctx = {
        "code": "",
        "title": "",
        "commune": "",
        "agency": "",
        "due_date": "",
        "step": "",
        "count": "",
        "reason": "",
        "answer": "",
        "result": "",
    }
    if item is not None:
        ctx.update(
            code=item.tracking_code,
            title=item.title,
            commune=item.commune.name,
            agency=item.current_agency.name if item.current_agency else "",
        )
    ctx.update({k: v for k, v in notification.context.items() if isinstance(v, str | int)})
    if ctx.get("due_date"):
        with contextlib.suppress(ValueError):
            ctx["due_date"] = date_format(date.fromisoformat(str(ctx["due_date"])), "SHORT_DATE_FORMAT")
    if ctx.get("step"):
        with contextlib.suppress(ValueError):
            ctx["step"] = str(Step(ctx["step"]).label)
    if ctx.get("result"):
        with contextlib.suppress(ValueError):
            ctx["result"] = str(RESULT_LABELS[Move(ctx["result"])])
    if notification.channel == NotificationChannel.SMS and len(str(ctx["answer"])) > SMS_ANSWER_CHARS:
        ctx["answer"] = str(ctx["answer"])[: SMS_ANSWER_CHARS - 1].rstrip() + "…"
    return ctx


def render_message(notification: Notification) -> tuple[str, str]:
    """(subject, message) in the notification's language."""
    with translation.override(notification.language):
        ctx = message_context(notification)
        wording = WORDING.get(notification.template)
        if wording is None:
            return str(notification.context.get("subject", "")), str(notification.context.get("message", ""))
        return str(wording.subject) % ctx, str(wording.message) % ctx


def _item_url(notification: Notification) -> str:
    """Citizens get the item's one stable signed link; staff the item's page in their workspace."""
    from django.urls import reverse

    from ..selectors.public import item_link_token

    base = settings.PORTAL_BASE_URL.rstrip("/")
    if notification.item_id is None:
        return base + reverse("notifications")
    if notification.recipient_user_id is None:
        return base + reverse("feedback-item-link", args=[item_link_token(notification.item_id)])
    if notification.template.startswith("board_overdue"):
        return base + reverse("reports-item", args=[notification.item_id])
    return base + reverse("workspace-item", args=[notification.item_id])


def _send_email(notification: Notification) -> None:
    to = notification.recipient_user.email if notification.recipient_user else notification.recipient_address
    if not to:
        raise ValueError("no email address")
    with translation.override(notification.language):
        subject, message = render_message(notification)
        context = {
            "subject": subject,
            "message": message,
            "notification": notification,
            "item": notification.item,
            "url": _item_url(notification),
            "recipient": notification.recipient_user,
            "is_citizen": notification.recipient_user_id is None,
            "lines": notification.context.get("lines", []),
        }
        text = render_to_string("feedback/notifications/email.txt", context)
        html = render_to_string("feedback/notifications/email.html", context)
    email = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[to],
        # The outbox key travels with the message, so a duplicate delivery can be recognised downstream.
        headers={"X-MTTQ-Notification": notification.key, "X-MTTQ-Notification-Id": str(notification.id)},
    )
    email.attach_alternative(html, "text/html")
    email.send(fail_silently=False)


def _send_sms(notification: Notification) -> None:
    from ..sms import get_sms_backend

    phone = notification.recipient_address or getattr(notification.recipient_user, "phone", "")
    if not phone:
        raise ValueError("no phone number")
    _subject, message = render_message(notification)
    url = _item_url(notification)
    # The link must survive the gateway's length limit: the message gives way, not the link.
    room = settings.SMS_MAX_LENGTH - len(url) - 1
    if len(message) > room:
        message = message[: max(room - 1, 0)].rstrip() + "…"
    get_sms_backend().send(to=phone, text=f"{message} {url}", key=notification.key)


UNREAD_CACHE_SECONDS = 60


def _unread_key(user_id: int) -> str:
    return f"notifications:unread:{user_id}"


def unread_count(*, user) -> int:
    """The bell's number. Cached briefly (the shell shows it on every staff page and must not add a query to
    each); writes through this module drop the cached value, the set-based chase lets it expire."""
    if user is None or not user.is_authenticated:
        return 0
    key = _unread_key(user.id)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.filter(
            recipient_user=user, channel=NotificationChannel.IN_APP, read_at__isnull=True
        ).count()
        cache.set(key, count, UNREAD_CACHE_SECONDS)
    return count


def forget_unread(user_ids: Iterable[int]) -> None:
    cache.delete_many([_unread_key(uid) for uid in set(user_ids)])


def notifications_mark_read(*, user, notification_ids: Sequence[int] | None = None) -> int:
    """Mark the user's in-app notifications read (all of them when no ids are given)."""
    qs = Notification.objects.filter(recipient_user=user, channel=NotificationChannel.IN_APP, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(id__in=list(notification_ids))
    changed = qs.update(read_at=timezone.now())
    forget_unread([user.id])
    return changed
