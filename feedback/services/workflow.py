"""The officers' and agencies' decisions on an item. Each one:

1. fetches the item through the scoping selector (404 outside the user's scope),
2. locks the row (``select_for_update``) and checks, on the locked row, which role the user holds for it
   (``item_actor_roles``): two officers acting at once are serialised, the second sees the first's result,
3. calls ``item_move`` (the only writer of ``Item.status``), which treats a repeat as a no-op, checks the
   move, writes the event row and runs the after-commit hooks.

A refusal is an ``ApplicationError`` with a Vietnamese message: 403 (``NotAllowedError``) for the wrong role,
409 (``ConflictError``) for the wrong state, 400 for bad input.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mttq_portal.errors import ApplicationError, ConflictError, NotAllowedError, NotFoundError
from organizations.models import Membership, Role, User
from organizations.selectors import agency_list

from .. import uploads
from ..deadlines import DueDate, WorkingCalendar, compute_due_date
from ..models import (
    ANSWER_STATUSES,
    ITEM_TEXT_MAX,
    Attachment,
    Complexity,
    EventKind,
    ExtensionRequest,
    ExtensionStatus,
    HandlingLevel,
    Item,
    ItemEvent,
    Status,
    Step,
)
from ..selectors.items import item_actor_roles, items_for_user
from ..workflow import MOVE_LABELS, MOVES, Actor, Move
from .notifications.audiences import staff_language
from .notifications.hooks import notify_followers_on_commit, notify_item_event_on_commit
from .notifications.planning import notification_send
from .transitions import MoveData, MoveResult, item_move

ANSWER_MAX = ITEM_TEXT_MAX
# When the Front sends an answer back, the agency keeps its due date, or gets this many working days if
# the date has already passed (docs/adr/0008-two-clocks.md).
SEND_BACK_WORKING_DAYS = 5
CLOSING_MOVES = (Move.RESOLVE, Move.ROADMAP, Move.CANNOT_RESOLVE)


def _required_text(value: object, field: str, label: str, max_length: int = ANSWER_MAX) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else ""
    if not text:
        message = _("Please write %(label)s.") % {"label": label}
        raise ApplicationError(message, code="required", fields={field: [message]})
    if len(text) > max_length:
        message = _("%(label)s is too long (at most %(max)s characters).") % {"label": label, "max": max_length}
        raise ApplicationError(message, code="too_long", fields={field: [message]})
    return text


def _optional_text(value: object, field: str, max_length: int = ANSWER_MAX) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else ""
    if len(text) > max_length:
        message = _("The text is too long (at most %(max)s characters).") % {"max": max_length}
        raise ApplicationError(message, code="too_long", fields={field: [message]})
    return text


def _locked_for(*, user: User, item_id: int, actor: Actor, move: Move | None = None) -> Item:
    """The item, locked, once the user is known to hold ``actor`` for it. Must run inside a transaction."""
    visible = items_for_user(user=user).filter(pk=item_id).values_list("pk", flat=True)
    try:
        pk = visible.get()
    except Item.DoesNotExist:
        raise NotFoundError(_("No such item in your area.")) from None
    item = Item.objects.select_for_update().select_related("commune").get(pk=pk)
    if actor not in item_actor_roles(user=user, item=item):
        label = MOVE_LABELS[move] if move else _("this step")
        if actor == Actor.FRONT and item.handling_level == HandlingLevel.PROVINCE:
            message = _("“%(move)s”: this item was escalated; the provincial Front decides now.") % {"move": label}
        elif actor == Actor.FRONT:
            message = _("“%(move)s” is for the Front officer in charge of this item.") % {"move": label}
        else:
            message = _("“%(move)s” is for the officers of the agency the item is forwarded to.") % {"move": label}
        raise NotAllowedError(message, code="move_not_allowed_for_role")
    return item


def _move(
    *,
    user: User,
    item_id: int,
    move: Move,
    actor: Actor,
    data: MoveData | None = None,
    before: Callable[[Item], MoveData | None] | None = None,
) -> MoveResult:
    with transaction.atomic():
        item = _locked_for(user=user, item_id=item_id, actor=actor, move=move)
        if before is not None:
            data = before(item) or data
        return item_move(item_id=item.pk, move=move, actor=actor, user=user, data=data)


# ---- the Front's triage ----------------------------------------------------------------------------------


def item_accept(*, user: User, item_id: int, note: str = "") -> MoveResult:
    """Accept as lawful and legitimate (the triage clock keeps running until forwarding)."""
    data = MoveData(note=_optional_text(note, "note"), is_legitimate=True)
    return _move(user=user, item_id=item_id, move=Move.ACCEPT, actor=Actor.FRONT, data=data)


def item_reject(*, user: User, item_id: int, reason: str) -> MoveResult:
    """Refuse the item; the reason is public: the citizen is told why (Law on Citizen Reception, Art. 28)."""
    reason = _required_text(reason, "reason", _("the reason for the refusal"))
    return _move(
        user=user, item_id=item_id, move=Move.REJECT, actor=Actor.FRONT, data=MoveData(note=reason, is_public=True)
    )


def item_withdraw_on_request(*, user: User, item_id: int, note: str) -> MoveResult:
    """The Front records that the citizen withdrew the matter (by phone, in person)."""
    note = _required_text(note, "note", _("how the citizen asked to withdraw"))
    return _move(user=user, item_id=item_id, move=Move.WITHDRAW, actor=Actor.FRONT, data=MoveData(note=note))


def item_merge(*, user: User, item_id: int, target_id: int, note: str = "") -> MoveResult:
    """Merge a duplicate into another item. Both histories stay; the merged item follows its target's result."""
    note = _optional_text(note, "note")

    def check_target(item: Item) -> MoveData:
        nonlocal target_id
        try:
            target_id = int(target_id)
        except (TypeError, ValueError):
            message = _("Choose the item to merge into.")
            raise ApplicationError(message, code="required", fields={"target": [message]}) from None
        if target_id == item.pk:
            raise ApplicationError(_("An item cannot be merged into itself."), code="merge_into_self")
        target = items_for_user(user=user).filter(pk=target_id).select_for_update(of=("self",)).first()
        if target is None:
            raise ApplicationError(
                _("The item to merge into does not exist or is outside your area."), code="merge_target_unknown"
            )
        if target.status == Status.MERGED:
            raise ConflictError(
                _("%(code)s is itself merged into another item: merge into that one.") % {"code": target.tracking_code},
                code="merge_target_merged",
            )
        if target.status in (Status.REJECTED, Status.WITHDRAWN):
            raise ConflictError(
                _("An item cannot be merged into a refused or withdrawn one."), code="merge_target_closed"
            )
        return MoveData(
            note=note or _("Same matter as %(code)s.") % {"code": target.tracking_code},
            is_public=True,
            merged_into_id=target.pk,
            extra={"merged_into": target.pk, "merged_into_code": target.tracking_code},
        )

    with transaction.atomic():
        result = _move(user=user, item_id=item_id, move=Move.MERGE, actor=Actor.FRONT, before=check_target)
        if result.changed:
            # The target's history tells which items follow it.
            ItemEvent.objects.create(
                item_id=target_id,
                kind=EventKind.NOTE,
                actor=user,
                actor_label=Actor.FRONT.value,
                note=_("%(code)s was merged into this item.") % {"code": result.item.tracking_code},
                data={"merged_item": result.item.pk},
            )
    return result


def item_escalate(*, user: User, item_id: int, reason: str) -> MoveResult:
    """A commune Front hands an item to the provincial Front (matters for provincial bodies). The status stays;
    the result says whether the handling level changed (``changed`` is false on a repeat)."""
    reason = _required_text(reason, "reason", _("why the provincial Front should handle it"))
    with transaction.atomic():
        item = _locked_for(user=user, item_id=item_id, actor=Actor.FRONT)
        if item.handling_level == HandlingLevel.PROVINCE:
            return MoveResult(item=item, event=None, changed=False)  # a repeat
        if not item.can_escalate:
            raise ConflictError(_("A closed item cannot be escalated."), code="escalate_closed")
        item.handling_level = HandlingLevel.PROVINCE
        item.save(update_fields=["handling_level", "updated_at"])
        event = ItemEvent.objects.create(
            item=item,
            kind=EventKind.ESCALATED,
            actor=user,
            actor_label=Actor.FRONT.value,
            note=reason,
            data={"from": HandlingLevel.COMMUNE, "to": HandlingLevel.PROVINCE},
        )
        notify_item_event_on_commit(event_id=event.pk)
    return MoveResult(item=item, event=event, changed=True)


def item_set_complexity(*, user: User, item_id: int, complexity: str, reason: str) -> Item:
    """The Front decides how complex the case is, with its reason (one event row per decision).

    It sets the longer periods of complex cases for the next due date, and for a denunciation the number of
    extensions the Law on Denunciations 2018 Art. 30 allows (normal: none; complex: one of at most 30 days;
    especially complex: two, each of at most 30 days). A due date already set is not recomputed."""
    if complexity not in Complexity.values:
        message = _("Choose normal, complex or especially complex.")
        raise ApplicationError(message, code="required", fields={"complexity": [message]})
    reason = _required_text(reason, "reason", _("why the case has this complexity"))
    with transaction.atomic():
        item = _locked_for(user=user, item_id=item_id, actor=Actor.FRONT)
        if item.complexity == complexity and item.complexity_reason == reason:
            return item  # a repeat
        if not item.is_open:
            raise ConflictError(_("The complexity of a closed item cannot change."), code="complexity_closed")
        previous = item.complexity
        item.complexity, item.complexity_reason = complexity, reason
        item.is_complex = complexity != Complexity.NORMAL
        item.save(update_fields=["complexity", "complexity_reason", "is_complex", "updated_at"])
        ItemEvent.objects.create(
            item=item,
            kind=EventKind.COMPLEXITY_SET,
            actor=user,
            actor_label=Actor.FRONT.value,
            note=reason,
            data={"from": previous, "to": complexity},
        )
    return item


# ---- forwarding: one agency, one due date ----------------------------------------------------------------


def forward_due_date(*, item: Item, on: date | None = None, cal: WorkingCalendar | None = None) -> DueDate:
    """The answer due date forwarding would set today, from the rule for the item's type and channel.
    Shown on the form before the officer confirms."""
    return compute_due_date(
        step=Step.ANSWER,
        item_type=item.type,
        channel=item.channel,
        start=on or timezone.localdate(),
        is_complex=item.is_complex,
        is_remote=item.commune.is_remote_area,
        cal=cal,
        category_id=item.category_id,
    )


def _agency_id(agency_id: int | str | None) -> int:
    try:
        pk = int(agency_id if agency_id is not None else "")  # nothing chosen fails like an empty choice
    except (TypeError, ValueError):
        message = _("Choose the agency that must answer.")
        raise ApplicationError(message, code="required", fields={"agency": [message]}) from None
    if not agency_list().filter(pk=pk).exists():
        message = _("This agency cannot receive items: choose one of the province's agencies.")
        raise ApplicationError(message, code="unknown_agency", fields={"agency": [message]})
    return pk


def _earlier_due_date(computed: date, wanted: date | str | None, reason: str) -> tuple[date, str] | None:
    """An officer may set a due date earlier than the rule's (an urgent matter), never later, with a reason
    that is recorded. None when no earlier date is asked."""
    if wanted is None or wanted == "":
        return None
    if isinstance(wanted, str):
        from ..vndates import parse_vietnamese_date

        parsed = parse_vietnamese_date(wanted)
        if parsed is None:
            try:
                parsed = date.fromisoformat(wanted)
            except ValueError:
                parsed = None
        if parsed is None:
            message = _("Write the date as dd/mm/yyyy.")
            raise ApplicationError(message, code="invalid_date", fields={"due_date": [message]})
        wanted = parsed
    if wanted == computed:
        return None
    if wanted > computed:
        message = _("The due date cannot be later than the one the rule gives (%(date)s).") % {
            "date": computed.strftime("%d/%m/%Y")
        }
        raise ApplicationError(message, code="due_date_too_late", fields={"due_date": [message]})
    if wanted <= timezone.localdate():
        message = _("The due date must be after today.")
        raise ApplicationError(message, code="invalid_date", fields={"due_date": [message]})
    reason = _required_text(reason, "due_reason", _("why the due date is earlier than the rule's"), max_length=500)
    return wanted, reason


def _forward_data(
    item: Item, agency_id: int, note: str, due_date: date | str | None = None, due_reason: str = ""
) -> MoveData:
    due = forward_due_date(item=item)
    earlier = _earlier_due_date(due.due_date, due_date, due_reason)
    extra: dict[str, object] = {}
    if earlier:
        extra = {"rule_due_date": due.due_date.isoformat(), "due_reason": earlier[1]}
    return MoveData(
        note=note,
        agency_id=agency_id,
        due_date=earlier[0] if earlier else due.due_date,
        due_rule_id=due.rule.pk if due.rule else None,
        extra={
            "rule_id": due.rule.pk if due.rule else None,
            "days": due.days,
            "day_count": due.day_count,
            "legal_reference": due.rule.legal_reference if due.rule else "",
            **extra,
        },
    )


def item_forward(
    *,
    user: User,
    item_id: int,
    agency_id: int | str | None,
    note: str = "",
    due_date: date | str | None = None,
    due_reason: str = "",
) -> MoveResult:
    """Forward an accepted item to one agency; the due date comes from the answer rule and is recorded (or an
    earlier one the officer sets, with the reason)."""
    note = _optional_text(note, "note")
    return _move(
        user=user,
        item_id=item_id,
        move=Move.FORWARD,
        actor=Actor.FRONT,
        before=lambda item: _forward_data(item, _agency_id(agency_id), note, due_date, due_reason),
    )


def item_accept_and_forward(
    *,
    user: User,
    item_id: int,
    agency_id: int | str | None,
    note: str = "",
    due_date: date | str | None = None,
    due_reason: str = "",
) -> MoveResult:
    """The usual triage in one step: accept (if not yet) and forward, in one transaction."""
    with transaction.atomic():
        item = _locked_for(user=user, item_id=item_id, actor=Actor.FRONT, move=Move.FORWARD)
        agency_pk = _agency_id(agency_id)
        if item.status in MOVES[Move.ACCEPT].sources:
            item_accept(user=user, item_id=item_id)
        return item_forward(
            user=user, item_id=item_id, agency_id=agency_pk, note=note, due_date=due_date, due_reason=due_reason
        )


def item_reforward(*, user: User, item_id: int, agency_id: int | str | None, note: str) -> MoveResult:
    """Replace the focal point: the new agency gets a new due date; the previous one stays in the history."""
    note = _required_text(note, "note", _("why the item goes to another agency"))

    def data(item: Item) -> MoveData:
        agency_pk = _agency_id(agency_id)
        if item.current_agency_id == agency_pk:
            raise ConflictError(_("The item is already with this agency."), code="same_agency")
        forward = _forward_data(item, agency_pk, note)
        forward.extra["previous_agency"] = item.current_agency_id
        return forward

    with transaction.atomic():
        result = _move(user=user, item_id=item_id, move=Move.REFORWARD, actor=Actor.FRONT, before=data)
        # A pending extension asked by the previous agency is moot.
        _refuse_pending_extensions(
            item=result.item, user=user, actor=Actor.FRONT, note=_("The item was forwarded to another agency.")
        )
    return result


def _refuse_pending_extensions(*, item: Item, user: User, actor: Actor, note: str) -> None:
    """Once the item leaves the agency that asked for more time, its pending request is refused like any other
    decision: the request row, an EXTENSION_REFUSED event, and a notice to that agency's officers."""
    now = timezone.now()
    for request in ExtensionRequest.objects.select_for_update().filter(item=item, status=ExtensionStatus.PENDING):
        request.status, request.decided_by, request.decided_at = ExtensionStatus.REFUSED, user, now
        request.decision_note = note
        request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        event = ItemEvent.objects.create(
            item=item,
            kind=EventKind.EXTENSION_REFUSED,
            actor=user,
            actor_label=actor.value,
            agency_id=request.agency_id,
            note=note,
            data={"extension_request": request.pk, "automatic": True},
        )
        officers = Membership.objects.filter(
            organization_id=request.agency_id, role=Role.AGENCY_OFFICER, is_active=True
        ).values_list("user_id", flat=True)
        with translation.override(staff_language()):
            context = {
                "subject": _("Extension request for feedback item %(code)s closed") % {"code": item.tracking_code},
                "message": _("Your request for more time on feedback item %(code)s was closed: %(note)s")
                % {"code": item.tracking_code, "note": note},
            }
        notification_send(
            key=f"extension_closed:e{event.pk}",
            user_ids=list(officers),
            template="extension_closed",
            context=context,
            item_id=item.pk,
        )


@dataclass
class BulkForwardResult:
    forwarded: list[int]
    unchanged: list[int]
    refused: dict[int | str, str]  # by the id sent (as sent when it is not a number)


def items_bulk_forward(
    *, user: User, item_ids: Iterable[int | str], agency_id: int | str | None, note: str = ""
) -> BulkForwardResult:
    """Forward several items to one agency; each in its own transaction, each refusal reported by item."""
    agency_pk = _agency_id(agency_id)
    result = BulkForwardResult(forwarded=[], unchanged=[], refused={})
    for raw in dict.fromkeys(item_ids):
        try:
            item_id = int(raw)
            moved = item_accept_and_forward(user=user, item_id=item_id, agency_id=agency_pk, note=note)
        except ApplicationError as exc:  # NotFoundError included: outside the scope
            result.refused[int(raw)] = exc.message
            continue
        except (ValueError, TypeError):  # not an id
            result.refused[raw] = _("No such item in your area.")
            continue
        (result.forwarded if moved.changed else result.unchanged).append(item_id)
    return result


# ---- the agency ------------------------------------------------------------------------------------------


def _store_attachments(
    *, item: Item, event: ItemEvent, files: Iterable[UploadedFile[bytes]], user: User, public: bool
) -> int:
    clean = uploads.check_uploads(files or ())
    rows = [
        Attachment(
            item=item,
            event=event,
            file=uploads.store(f),
            original_name=f.original_name,
            content_type=f.content_type,
            size=f.size,
            sha256=f.sha256,
            is_public=public,
            uploaded_by=user,
        )
        for f in clean
    ]
    Attachment.objects.bulk_create(rows)
    return len(rows)


def item_answer(
    *, user: User, item_id: int, answer: str, attachments: Iterable[UploadedFile[bytes]] = ()
) -> MoveResult:
    """The agency answers; the on-time flag is frozen now. The Front later approves the public answer."""
    answer = _required_text(answer, "answer", _("the answer"))
    uploads.check_uploads(attachments or ())  # refuse bad files before anything is written
    with transaction.atomic():
        result = _move(
            user=user,
            item_id=item_id,
            move=Move.ANSWER,
            actor=Actor.AGENCY,
            data=MoveData(note=answer, extra={"answer": answer}),
        )
        if result.event is not None and attachments:
            count = _store_attachments(item=result.item, event=result.event, files=attachments, user=user, public=False)
            result.event.data = {**result.event.data, "attachments": count}
            result.event.save(update_fields=["data"])
    return result


def item_return(*, user: User, item_id: int, reason: str) -> MoveResult:
    """The agency returns the item as not its competence; it goes back to the Front's triage."""
    reason = _required_text(reason, "reason", _("why this is not your agency's competence"))
    with transaction.atomic():
        visible = items_for_user(user=user).filter(pk=item_id).exists()
        if not visible:
            # A repeat after the item left the agency's inbox: the same officer's last move was this return.
            last = ItemEvent.objects.filter(item_id=item_id, kind=EventKind.TRANSITION).order_by("-id").first()
            if last and last.actor_id == user.pk and last.data.get("move") == Move.RETURN:
                item = Item.objects.get(pk=item_id)
                return MoveResult(item=item, event=None, changed=False)
        agency_id: int | None = None

        def remember(item: Item) -> MoveData:
            nonlocal agency_id
            agency_id = item.current_agency_id
            return MoveData(note=reason, extra={"agency": agency_id})

        result = _move(user=user, item_id=item_id, move=Move.RETURN, actor=Actor.AGENCY, before=remember)
        if result.changed:
            _refuse_pending_extensions(
                item=result.item, user=user, actor=Actor.AGENCY, note=_("The item was returned.")
            )
    return result


def extension_request(
    *,
    user: User,
    item_id: int,
    reason: str,
    requested_days: int | str | None = None,
    requested_due_date: date | str | None = None,
) -> ExtensionRequest:
    """The agency asks for more time, with a reason; limited by the rule's number of extensions."""
    reason = _required_text(reason, "reason", _("the reason for the extension"))
    with transaction.atomic():
        item = _locked_for(user=user, item_id=item_id, actor=Actor.AGENCY)
        pending = ExtensionRequest.objects.filter(item=item, status=ExtensionStatus.PENDING).first()
        if pending is not None:
            return pending  # a repeat: one open request at a time
        rule = item.due_rule
        due_date, agency_id = item.due_date, item.current_agency_id
        if not item.can_request_extension or due_date is None or agency_id is None:
            if item.status not in ANSWER_STATUSES or due_date is None or agency_id is None:
                raise ConflictError(
                    _("An extension can only be asked while the item waits for your answer."), code="extension_state"
                )
            raise ConflictError(
                _("No more extension is allowed for this item (%(allowed)s allowed by the rule).")
                % {"allowed": item.extensions_allowed},
                code="extension_limit",
            )
        new_date = _requested_date(item, due_date, requested_days, requested_due_date)
        # The article sets a ceiling per extension (Law on Denunciations 2018 Art. 30: at most 30 days; a
        # period ending on a day off still ends on the next working day, Civil Code Art. 148).
        if (
            rule
            and rule.extension_legal_reference
            and rule.extension_days
            and new_date > WorkingCalendar.load().add_calendar_days(due_date, rule.extension_days)
        ):
            message = _("An extension may add at most %(days)s days (%(basis)s).") % {
                "days": rule.extension_days,
                "basis": rule.extension_legal_reference,
            }
            raise ApplicationError(message, code="extension_too_long", fields={"requested_days": [message]})
        request = ExtensionRequest.objects.create(
            item=item,
            agency_id=agency_id,
            reason=reason,
            requested_days=(new_date - due_date).days,
            requested_due_date=new_date,
            previous_due_date=due_date,
            requested_by=user,
        )
        event = ItemEvent.objects.create(
            item=item,
            kind=EventKind.EXTENSION_REQUESTED,
            actor=user,
            actor_label=Actor.AGENCY.value,
            agency_id=item.current_agency_id,
            due_date=new_date,
            note=reason,
            data={"extension_request": request.pk},
        )
        notify_item_event_on_commit(event_id=event.pk)
    return request


def _requested_date(
    item: Item, due_date: date, requested_days: int | str | None, requested_due_date: date | str | None
) -> date:
    if requested_due_date in (None, "") and requested_days in (None, ""):
        rule = item.due_rule
        requested_days = rule.extension_days if rule and rule.extension_days else None
        if requested_days is None:
            message = _("Give the number of extra days or the new due date.")
            raise ApplicationError(message, code="required", fields={"requested_days": [message]})
    if isinstance(requested_due_date, str) and requested_due_date:
        from ..vndates import parse_vietnamese_date

        parsed = parse_vietnamese_date(requested_due_date)
        if parsed is None:
            message = _("Write the date as dd/mm/yyyy.")
            raise ApplicationError(message, code="invalid_date", fields={"requested_due_date": [message]})
        new_date = parsed
    elif isinstance(requested_due_date, date):
        new_date = requested_due_date
    else:
        try:
            days = int(requested_days or 0)  # never empty here: the rule's days were taken above
        except (TypeError, ValueError):
            message = _("The number of days must be a whole number.")
            raise ApplicationError(message, code="invalid", fields={"requested_days": [message]}) from None
        if not 1 <= days <= 365:
            message = _("Ask between 1 and 365 extra days.")
            raise ApplicationError(message, code="invalid", fields={"requested_days": [message]})
        new_date = WorkingCalendar.load().add_calendar_days(due_date, days)
    if new_date <= due_date:
        message = _("The new due date must be after the current one (%(date)s).") % {
            "date": due_date.strftime("%d/%m/%Y")
        }
        raise ApplicationError(message, code="invalid_date", fields={"requested_due_date": [message]})
    return new_date


def extension_decide(*, user: User, request_id: int, grant: bool, note: str = "") -> ExtensionRequest:
    """The Front grants (the due date is replaced through ``item_move(EXTEND)``) or refuses the request."""
    note = _optional_text(note, "note")
    no_such_request = NotFoundError(_("No such extension request."))
    try:
        request_id = int(request_id)
    except (TypeError, ValueError):
        raise no_such_request from None
    with transaction.atomic():
        item_id = ExtensionRequest.objects.filter(pk=request_id).values_list("item_id", flat=True).first()
        if item_id is None:
            raise no_such_request
        item = _locked_for(user=user, item_id=item_id, actor=Actor.FRONT, move=Move.EXTEND)
        request = ExtensionRequest.objects.select_for_update().get(pk=request_id)
        wanted = ExtensionStatus.GRANTED if grant else ExtensionStatus.REFUSED
        if request.status != ExtensionStatus.PENDING:
            if request.status == wanted:
                return request  # a repeat
            raise ConflictError(_("This request was already decided."), code="extension_decided")
        if not grant:
            if not note:
                message = _("Please write %(label)s.") % {"label": _("the grounds of the refusal")}
                raise ApplicationError(message, code="required", fields={"note": [message]})
            request.status, request.decided_by, request.decided_at = wanted, user, timezone.now()
            request.decision_note = note
            request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
            event = ItemEvent.objects.create(
                item=item,
                kind=EventKind.EXTENSION_REFUSED,
                actor=user,
                actor_label=Actor.FRONT.value,
                note=note,
                data={"extension_request": request.pk},
            )
            notify_item_event_on_commit(event_id=event.pk)
            return request
        if item.extension_count >= item.extensions_allowed:
            raise ConflictError(_("No more extension is allowed for this item."), code="extension_limit")
        item_move(
            item_id=item.pk,
            move=Move.EXTEND,
            actor=Actor.FRONT,
            user=user,
            data=MoveData(
                note=note or request.reason,
                due_date=request.requested_due_date,
                due_rule_id=item.due_rule_id,
                extra={
                    "extension_request": request.pk,
                    "previous_due_date": item.due_date.isoformat() if item.due_date else None,
                },
            ),
        )
        request.status, request.decided_by, request.decided_at = wanted, user, timezone.now()
        request.granted_due_date, request.decision_note = request.requested_due_date, note
        request.save(update_fields=["status", "decided_by", "decided_at", "granted_due_date", "decision_note"])
    return request


# ---- the Front verifies the answer -----------------------------------------------------------------------


def item_send_back(*, user: User, item_id: int, reason: str) -> MoveResult:
    """The answer is insufficient: back to the same agency, with its due date (or a short new one)."""
    reason = _required_text(reason, "reason", _("what is missing in the answer"))

    def data(item: Item) -> MoveData:
        today = timezone.localdate()
        due = item.answer_due_date
        if due is None or due < today:
            due = WorkingCalendar.load().add_working_days(today, SEND_BACK_WORKING_DAYS)
        return MoveData(note=reason, due_date=due, extra={"send_back_days": SEND_BACK_WORKING_DAYS})

    return _move(user=user, item_id=item_id, move=Move.SEND_BACK, actor=Actor.FRONT, before=data)


def item_close(*, user: User, item_id: int, result: Move | str, public_answer: str, note: str = "") -> MoveResult:
    """Resolved / on the roadmap / cannot be resolved, with the public answer written or approved by the Front.
    Items merged into this one follow its result."""
    move = Move(result) if result in Move.__members__.values() else None
    if move not in CLOSING_MOVES:
        message = _("Choose the result: resolved, on the roadmap or cannot be resolved.")
        raise ApplicationError(message, code="required", fields={"result": [message]})
    public_answer = _required_text(public_answer, "public_answer", _("the public answer"))
    note = _optional_text(note, "note")
    with transaction.atomic():
        moved = _move(
            user=user,
            item_id=item_id,
            move=move,
            actor=Actor.FRONT,
            data=MoveData(note=note, is_public=True, public_answer=public_answer),
        )
        if moved.changed:
            _follow_target(target=moved.item, move=move, user=user)
    return moved


def item_uphold(*, user: User, item_id: int, explanation: str) -> MoveResult:
    """After a dispute, the Front keeps the result it disputed, with an explanation the citizen reads. The
    dispute step closes; whether it closed by its due date is recorded on the event."""
    explanation = _required_text(explanation, "explanation", _("the explanation for the citizen"))

    def data(item: Item) -> MoveData:
        reopened = (
            ItemEvent.objects.filter(item=item, kind=EventKind.TRANSITION, data__move=Move.REOPEN)
            .order_by("-id")
            .values_list("data", flat=True)
            .first()
        ) or {}
        today = timezone.localdate()
        return MoveData(
            note=explanation,
            is_public=True,
            extra={
                "upheld_status": reopened.get("previous_status") or Status.RESOLVED,
                "dispute_due_date": item.due_date.isoformat() if item.due_date else None,
                "dispute_on_time": item.due_date is None or today <= item.due_date,
            },
        )

    return _move(user=user, item_id=item_id, move=Move.UPHOLD, actor=Actor.FRONT, before=data)


def _follow_target(*, target: Item, move: Move, user: User) -> None:
    """Merged items show their target's result (the citizen of a duplicate gets the same answer, and is told
    of it after commit, about their own item). One UPDATE and one INSERT however many followers."""
    followers = list(
        Item.objects.select_for_update(no_key=True)
        .filter(merged_into=target, status=Status.MERGED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not followers:
        return
    Item.objects.filter(pk__in=followers).update(public_answer=target.public_answer, updated_at=timezone.now())
    events = ItemEvent.objects.bulk_create(
        ItemEvent(
            item_id=follower,
            kind=EventKind.NOTE,
            actor=user,
            actor_label=Actor.FRONT.value,
            is_public=True,
            note=_("The matter this item was merged into was closed (%(result)s).") % {"result": MOVE_LABELS[move]},
            data={"follows": target.pk, "result": move.value},
        )
        for follower in followers
    )
    notify_followers_on_commit(event_ids=[event.pk for event in events], move=move)
