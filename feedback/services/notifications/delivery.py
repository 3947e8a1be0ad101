"""Delivering: a worker claims a row with a conditional UPDATE (``WHERE status = 'pending'``) before sending
it, so two deliveries of the same task message send once; failures are retried with backoff, then ``failed``.
"""

import logging
from collections.abc import Sequence
from datetime import timedelta
from enum import StrEnum

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from ...models import Notification, NotificationChannel, NotificationStatus
from ...selectors.public import item_link_token
from ...sms import get_sms_backend
from .. import claims
from . import queueing
from .wording import render_message

logger = logging.getLogger(__name__)

ERROR_CHARS = 2000


class Outcome(StrEnum):
    SENT = "sent"
    SKIPPED = "skipped"  # not pending (already sent, being sent, failed) or not yet due
    RETRY = "retry"
    FAILED = "failed"


def retry_delay(attempts: int) -> int:
    base: int = settings.NOTIFICATIONS_RETRY_BASE_SECONDS
    ceiling: int = settings.NOTIFICATIONS_RETRY_MAX_SECONDS
    # Capped well below the broker's visibility timeout, or Redis would hand the task to a second worker.
    delay: int = min(base * 2 ** max(attempts - 1, 0), ceiling)
    return delay


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
                queueing.notifications_queue([notification_id], countdown=delay)
            outcomes[outcome.value] = outcomes.get(outcome.value, 0) + 1
    finally:
        claims.heartbeat.drop(remaining)
    claims.release(ids)
    return outcomes


def _claim(notification_id: int) -> bool:
    """Take the row if it is pending and due; only the worker whose UPDATE changed it goes on."""
    now = timezone.now()
    return bool(
        Notification.objects.filter(id=notification_id, status=NotificationStatus.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(status=NotificationStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )


def _record_failure(notification: Notification, exc: Exception) -> tuple[Outcome, int]:
    error = f"{type(exc).__name__}: {exc}"[:ERROR_CHARS]
    if notification.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
        Notification.objects.filter(pk=notification.pk).update(status=NotificationStatus.FAILED, last_error=error)
        logger.error("Notification %s failed for good: %s", notification.pk, error)
        return Outcome.FAILED, 0
    delay = retry_delay(notification.attempts)
    Notification.objects.filter(pk=notification.pk).update(
        status=NotificationStatus.PENDING,
        last_error=error,
        next_attempt_at=timezone.now() + timedelta(seconds=delay),
        queued_at=None,
        claimed_at=None,
    )
    return Outcome.RETRY, delay


def notification_deliver(*, notification_id: int) -> tuple[Outcome, int]:
    """Claim the row, deliver it, record the outcome. Returns (outcome, seconds before a retry)."""
    if not _claim(notification_id):
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
        return _record_failure(notification, exc)
    Notification.objects.filter(pk=notification_id).update(status=NotificationStatus.SENT, sent_at=timezone.now())
    return Outcome.SENT, 0


def _item_url(notification: Notification) -> str:
    """Citizens get the item's one stable signed link; staff the item's page in their workspace."""
    base = str(settings.PORTAL_BASE_URL).rstrip("/")
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
