"""The one service that moves an item between states. Nothing else assigns ``Item.status``.

Callers (the workflow services of the workspace, the citizen's lookup page, the API, tasks) decide the
move's data (agency, due date and rule, public answer) and call ``item_move``; it locks the row, treats a
repeat as a no-op, checks the move for the actor, applies the fields, writes the event row, saves with
``update_fields`` and plans the move's notification after commit.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from organizations.selectors import AnyUser

from ..models import CLOSED_STATUSES, EventKind, Item, ItemEvent, Status, Step
from ..workflow import Actor, Move, check_move, is_repeat
from .notifications.hooks import on_item_moved

UPHELD_RESULTS = frozenset({Status.RESOLVED, Status.ON_ROADMAP, Status.CANNOT_RESOLVE})


@dataclass
class MoveResult:
    item: Item
    event: ItemEvent | None
    changed: bool


@dataclass
class MoveData:
    note: str = ""
    is_public: bool = False
    agency_id: int | None = None
    due_date: date | None = None
    due_rule_id: int | None = None
    public_answer: str = ""
    merged_into_id: int | None = None
    is_legitimate: bool | None = None
    # Written into the event row's JSON beside the move (the agency handed back, the kept result, ...).
    extra: dict[str, object] = field(default_factory=dict)


def item_move(
    *,
    item_id: int,
    move: Move | str,
    actor: Actor | str,
    user: AnyUser | None = None,
    data: MoveData | None = None,
    actor_label: str = "",
) -> MoveResult:
    # A move is looked up by its name (``Move`` members are strings), so a move added to the table needs no
    # enum member to be performed.
    move, actor, data = str(move), Actor(actor), data or MoveData()
    with transaction.atomic():
        item = Item.objects.select_for_update().get(pk=item_id)
        if is_repeat(item.status, move):
            return MoveResult(item=item, event=None, changed=False)
        previous = Status(item.status)
        target = check_move(previous, move, actor=actor)
        if move == Move.UPHOLD:
            target = _upheld_result(data, target)
        item.status = target
        updated = {"status", "updated_at"} | _apply(item, move, target, data, now=timezone.now())
        item.save(update_fields=sorted(updated))
        event = ItemEvent.objects.create(
            item=item,
            kind=EventKind.TRANSITION,
            from_status=previous,
            to_status=target,
            actor=user if user is not None and user.is_authenticated else None,
            actor_label=actor_label or actor.value,
            agency_id=item.current_agency_id if move in (Move.FORWARD, Move.REFORWARD, Move.SEND_BACK) else None,
            due_date=data.due_date,
            note=data.note,
            is_public=data.is_public,
            data={"move": move, **data.extra},
        )
        event_id = event.id
        transaction.on_commit(lambda: on_item_moved(item.id, event_id, move))
    return MoveResult(item=item, event=event, changed=True)


def _apply(item: Item, move: str, target: Status, data: MoveData, *, now: datetime) -> set[str]:
    """Set the fields the move changes besides the status; returns their names."""
    updated: set[str] = set()
    for step in (_apply_triage, _apply_focal_point, _apply_answer, _apply_closing):
        updated |= step(item, move, target, data, now)
    return updated


def _apply_triage(item: Item, move: str, target: Status, data: MoveData, now: datetime) -> set[str]:
    updated: set[str] = set()
    if move == Move.ACCEPT:
        item.is_legitimate = True if data.is_legitimate is None else data.is_legitimate
        updated.add("is_legitimate")
    if move in (Move.FORWARD, Move.REJECT, Move.MERGE):
        # The triage clock stops when the Front forwards or refuses (accepting alone does not stop it).
        _close_triage(item, timezone.localdate(now), now, updated)
    if move == Move.REJECT:
        item.is_legitimate = False
        updated.add("is_legitimate")
    if move == Move.MERGE:
        item.merged_into_id = data.merged_into_id
        updated.add("merged_into")
    return updated


def _apply_focal_point(item: Item, move: str, target: Status, data: MoveData, now: datetime) -> set[str]:
    """One agency and one due date: set by forwarding, replaced by a re-forward, an extension or a send-back."""
    updated: set[str] = set()
    if move in (Move.FORWARD, Move.REFORWARD, Move.SEND_BACK):
        if data.agency_id:
            item.current_agency_id = data.agency_id
        item.forwarded_at = now
        updated |= {"current_agency", "forwarded_at"}
    if move in (Move.FORWARD, Move.REFORWARD, Move.EXTEND, Move.SEND_BACK) and data.due_date:
        item.due_step = Step.ANSWER
        item.due_date = data.due_date
        item.due_rule_id = data.due_rule_id or item.due_rule_id
        item.answer_due_date = data.due_date
        item.answer_on_time = None
        item.answered_at = None
        updated |= {"due_step", "due_date", "due_rule", "answer_due_date", "answer_on_time", "answered_at"}
    if move == Move.EXTEND:
        item.extension_count += 1
        updated.add("extension_count")
    if move == Move.RETURN:
        item.current_agency = None
        item.due_step, item.due_date = Step.TRIAGE, item.triage_due_date
        updated |= {"current_agency", "due_step", "due_date"}
    return updated


def _apply_answer(item: Item, move: str, target: Status, data: MoveData, now: datetime) -> set[str]:
    updated: set[str] = set()
    if move == Move.ANSWER:
        # Frozen when the step closes: later edits cannot change last quarter's statistics.
        item.answered_at = now
        item.answer_on_time = item.answer_due_date is None or timezone.localdate(now) <= item.answer_due_date
        item.due_date = None
        updated |= {"answered_at", "answer_on_time", "due_date"}
    if data.public_answer and move in (Move.ANSWER, Move.RESOLVE, Move.ROADMAP, Move.CANNOT_RESOLVE):
        item.public_answer = data.public_answer
        updated.add("public_answer")
    return updated


def _apply_closing(item: Item, move: str, target: Status, data: MoveData, now: datetime) -> set[str]:
    updated: set[str] = set()
    if target in CLOSED_STATUSES:
        item.closed_at = now
        item.due_date = None
        updated |= {"closed_at", "due_date"}
    if move == Move.REOPEN:
        # A dispute opens its own step with its own due date (the dispute rule of the deadline table).
        item.closed_at = None
        item.due_step, item.due_date = Step.DISPUTE, data.due_date
        updated |= {"closed_at", "due_step", "due_date"}
    return updated


def _upheld_result(data: MoveData, named: Status) -> Status:
    """Keeping the result after a dispute restores the result that was disputed (resolved, on the roadmap or
    cannot be resolved); the table names resolved, the most common one."""
    upheld = data.extra.get("upheld_status")
    try:
        target = Status(upheld) if isinstance(upheld, str) and upheld else named
    except ValueError:
        return named
    return target if target in UPHELD_RESULTS else named


def _close_triage(item: Item, today: date, now: datetime, updated: set[str]) -> None:
    if item.triaged_at is not None:
        return
    item.triaged_at = now
    item.triage_on_time = item.triage_due_date is None or today <= item.triage_due_date
    updated |= {"triaged_at", "triage_on_time"}
