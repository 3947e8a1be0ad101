"""What a citizen holding the code and the secret may do with their item: rate the answer, dispute the
result within the configured window (which reopens it for the Front), withdraw it.

Callers have already verified the code and the secret (``selectors.public.item_for_lookup``).
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mttq_portal.errors import ApplicationError, ConflictError

from ..models import EventKind, Item, ItemEvent, ItemSupport
from ..workflow import Actor, Move
from .transitions import MoveData, MoveResult, item_move

COMMENT_MAX = 2000


def _comment(text: str, *, field: str, required: bool) -> str:
    text = (text or "").strip()
    if required and not text:
        raise ApplicationError(
            _("Please write your reason."), code="required", fields={field: [_("Please write your reason.")]}
        )
    if len(text) > COMMENT_MAX:
        message = _("At most %(max)s characters.") % {"max": COMMENT_MAX}
        raise ApplicationError(message, fields={field: [message]})
    return text


def item_rate(*, item_id: int, satisfied: bool, comment: str = "") -> Item:
    comment = _comment(comment, field="comment", required=False)
    with transaction.atomic():
        item = Item.objects.select_for_update().get(pk=item_id)
        if not item.can_be_rated:
            raise ConflictError(
                _("This answer cannot be rated (not answered yet, or already rated)."), code="not_ratable"
            )
        item.citizen_satisfied = bool(satisfied)
        item.rating_comment = comment
        item.rated_at = timezone.now()
        item.save(update_fields=["citizen_satisfied", "rating_comment", "rated_at", "updated_at"])
        ItemEvent.objects.create(
            item=item,
            kind=EventKind.RATED,
            actor_label=Actor.CITIZEN.value,
            note=comment,
            is_public=False,
            data={"satisfied": bool(satisfied)},
        )
    return item


def item_dispute(*, item_id: int, reason: str) -> MoveResult:
    reason = _comment(reason, field="reason", required=True)
    item = Item.objects.select_related("commune").get(pk=item_id)
    if not item.can_be_disputed:
        raise ConflictError(
            _("The result can no longer be disputed here: the time allowed has passed or the item is not closed."),
            code="dispute_window_closed",
        )
    return item_move(
        item_id=item_id,
        move=Move.REOPEN,
        actor=Actor.CITIZEN,
        data=_dispute_data(item, reason),
    )


def _dispute_data(item: Item, reason: str) -> MoveData:
    """The dispute opens its own step with its own due date, from the dispute rule of the deadline table."""
    from ..deadlines import compute_due_date
    from ..models import Step

    due = compute_due_date(
        step=Step.DISPUTE,
        item_type=item.type,
        channel=item.channel,
        start=timezone.localdate(),
        is_complex=item.is_complex,
        is_remote=item.commune.is_remote_area,
    )
    return MoveData(
        note=reason,
        is_public=True,
        due_date=due.due_date,
        due_rule_id=due.rule.pk if due.rule else None,
        extra={
            "reason": "citizen_dispute",
            "previous_status": item.status,
            "rule_id": due.rule.pk if due.rule else None,
            "legal_reference": due.rule.legal_reference if due.rule else "",
        },
    )


def item_withdraw(*, item_id: int, reason: str = "") -> MoveResult:
    reason = _comment(reason, field="reason", required=False)
    return item_move(
        item_id=item_id,
        move=Move.WITHDRAW,
        actor=Actor.CITIZEN,
        data=MoveData(note=reason, is_public=True, extra={"reason": "citizen_withdrawal"}),
    )


def item_support(
    *, item_id: int, email: str = "", phone: str = "", consent_contact: bool = False, language: str = ""
) -> Item:
    """A citizen reports that the same matter happens to them ("tôi cũng gặp việc này") instead of sending it
    again: the item counts one more citizen, an event row records it, and the contact details are kept only
    with consent. Only an item the public may see as a likely duplicate can be joined."""
    from django.core.validators import validate_email
    from django.db.models import F

    from ..phones import normalize_vn_phone
    from ..selectors.public import item_joinable

    email = (email or "").strip()[:254] if consent_contact else ""
    phone = (phone or "").strip()[:40] if consent_contact else ""
    if email:
        try:
            validate_email(email)
        except Exception:
            message = _("Enter a valid email address, e.g. ten@example.vn.")
            raise ApplicationError(message, code="invalid", fields={"submitter_email": [message]}) from None
    if phone:
        phone = normalize_vn_phone(phone)
    with transaction.atomic():
        item = Item.objects.select_for_update().filter(pk=item_id).first()
        if item is None or not item_joinable(item):
            raise ConflictError(_("This matter can no longer be joined; please send yours."), code="not_joinable")
        ItemSupport.objects.create(
            item=item,
            submitter_email=email,
            submitter_phone=phone,
            consent_contact=bool(consent_contact and (email or phone)),
            language=language if language in ("vi", "en") else "",
        )
        Item.objects.filter(pk=item.pk).update(support_count=F("support_count") + 1)
        ItemEvent.objects.create(
            item=item,
            kind=EventKind.SUPPORTED,
            actor_label=Actor.CITIZEN.value,
            data={"with_contact": bool(email or phone)},
        )
        item.refresh_from_db(fields=["support_count"])
    return item
