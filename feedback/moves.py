"""The move registry: one row per move an officer or an agency makes on an item in the workspace and the
staff API.

A row says which service performs the move and what input it takes. The input serializer is the contract of
both surfaces: its fields, in order, are the form's fields on the item page (``views/workspace.py``) and the
request body of the move's API endpoint (``api/staff.py``, one class per row, named by ``api_name``, one URL
per row at ``items/<id>/<path>/``), and it is what the OpenAPI schema documents. A field's ``source`` is the
service's keyword argument, so the page and the API call the service the same way.

The lifecycle graph (which states a move leaves and reaches, who may make it, what it tells) stays the pure
table ``MOVES`` in ``feedback/workflow.py``, below the services, because ``item_move`` and the notification
planner read it; a row here reads it back (``rule``, ``notice``, ``audiences``).

Adding a move: its rule in ``workflow.MOVES`` (with its label), its service in ``services/workflow.py``, and
one row below. The page, the API endpoint, its URL and the schema follow from the row.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.conf import settings
from rest_framework import serializers

from .models import Status
from .services import workflow as wf
from .services.notifications.audiences import AUDIENCES, Audience
from .services.transitions import MoveResult
from .workflow import MOVE_LABELS, MOVES, Actor, Move, MoveRule

TEXT_MAX = wf.ANSWER_MAX


# ---- inputs: the fields of each move, shared by the form and the API -------------------------------------


def _note(**kwargs: Any) -> serializers.CharField:
    # Omitted is blank: the service decides whether its move needs a note (and says so in its own words).
    return serializers.CharField(default="", allow_blank=True, max_length=TEXT_MAX, **kwargs)


def _text(**kwargs: Any) -> serializers.CharField:
    # Blank is let through to the service, which refuses it with the move's own wording.
    return serializers.CharField(allow_blank=True, max_length=TEXT_MAX, **kwargs)


class NoteInput(serializers.Serializer):
    note = _note()


class ReasonInput(serializers.Serializer):
    reason = _text()


class MergeInput(serializers.Serializer):
    target = serializers.IntegerField(source="target_id", help_text="Id of the item this one duplicates.")
    note = _note()


class AgencyInput(serializers.Serializer):
    agency = serializers.IntegerField(
        source="agency_id", help_text="Id of the agency (GET /api/v1/organizations/?agency=true)."
    )
    note = _note()


class ForwardInput(AgencyInput):
    due_date = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=10,
        help_text="Optional: a due date earlier than the rule's (dd/mm/yyyy or yyyy-mm-dd), never later.",
    )
    due_reason = serializers.CharField(
        required=False, allow_blank=True, max_length=500, help_text="Why the due date is earlier (required then)."
    )


class AnswerInput(serializers.Serializer):
    answer = _text()
    attachments = serializers.ListField(
        child=serializers.FileField(), required=False, max_length=settings.FEEDBACK_MAX_ATTACHMENTS
    )


class UpholdInput(serializers.Serializer):
    explanation = _text(help_text="Why the result stands; the citizen reads it.")


class CloseInput(serializers.Serializer):
    public_answer = _text()
    note = _note()


# ---- the registry ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffMove:
    move: str
    service: Callable[..., MoveResult]
    input: type[serializers.Serializer]
    api_name: str
    path: str
    summary: str
    # Statuses from which the service first makes another move to reach this one's source (forwarding accepts
    # first): the move is offered there too.
    also_from: frozenset[Status] = field(default_factory=frozenset)
    # The main move of its states (forward, answer, close as resolved) is offered first and open; a refusal
    # (reject, return, withdraw, merge) after the others, never open.
    primary: bool = False
    refusal: bool = False

    @property
    def rule(self) -> MoveRule:
        return MOVES[self.move]

    @property
    def label(self) -> str:
        return MOVE_LABELS[self.move]

    @property
    def url_name(self) -> str:
        return f"api-item-{self.path}"

    @property
    def fields(self) -> list[str]:
        return list(self.input().fields)

    @property
    def notice(self) -> str:
        return self.rule.notice

    @property
    def audiences(self) -> tuple[Audience, ...]:
        return AUDIENCES.get(self.notice, ())

    def offered(self, status: Status | str, actors: set[Actor]) -> bool:
        return bool(self.rule.actors & actors) and (status in self.rule.sources or status in self.also_from)

    def perform(self, *, user: Any, item_id: int, arguments: Mapping[str, Any]) -> MoveResult:
        """``arguments`` are keyed by the service's keyword arguments (the input fields' ``source``)."""
        return self.service(user=user, item_id=item_id, **arguments)

    def arguments_from_form(self, post: Any, files: Any) -> dict[str, Any]:
        """The page posts the same fields as the API; values go to the service as typed (it validates them)."""
        arguments: dict[str, Any] = {}
        for name, input_field in self.input().fields.items():
            if isinstance(input_field, serializers.ListField):
                arguments[input_field.source] = files.getlist(name)
            elif name in post or input_field.required:
                arguments[input_field.source] = post.get(name, "")
        return arguments


STAFF_MOVES: dict[str, StaffMove] = {
    row.move: row
    for row in (
        StaffMove(Move.ACCEPT, wf.item_accept, NoteInput, "ItemAcceptApi", "accept", "Accept as lawful and legitimate"),
        StaffMove(
            Move.REJECT,
            wf.item_reject,
            ReasonInput,
            "ItemRejectApi",
            "reject",
            "Reject with a public reason",
            refusal=True,
        ),
        StaffMove(
            Move.MERGE, wf.item_merge, MergeInput, "ItemMergeApi", "merge", "Merge into another item", refusal=True
        ),
        StaffMove(
            Move.WITHDRAW,
            wf.item_withdraw_on_request,
            NoteInput,
            "ItemWithdrawApi",
            "withdraw",
            "Record the citizen's withdrawal",
            refusal=True,
        ),
        StaffMove(
            Move.FORWARD,
            wf.item_accept_and_forward,
            ForwardInput,
            "ItemForwardApi",
            "forward",
            "Accept if needed and forward to one agency",
            also_from=MOVES[Move.ACCEPT].sources,
            primary=True,
        ),
        StaffMove(
            Move.REFORWARD, wf.item_reforward, AgencyInput, "ItemReforwardApi", "reforward", "Forward to another agency"
        ),
        StaffMove(
            Move.RETURN,
            wf.item_return,
            ReasonInput,
            "ItemReturnApi",
            "return",
            "Return: not our competence",
            refusal=True,
        ),
        StaffMove(Move.ANSWER, wf.item_answer, AnswerInput, "ItemAnswerApi", "answer", "Answer (agency)", primary=True),
        StaffMove(
            Move.SEND_BACK,
            wf.item_send_back,
            ReasonInput,
            "ItemSendBackApi",
            "send-back",
            "Send the answer back to the agency",
        ),
        StaffMove(
            Move.RESOLVE,
            partial(wf.item_close, result=Move.RESOLVE),
            CloseInput,
            "ItemResolveApi",
            "resolve",
            "Close as resolved",
            primary=True,
        ),
        StaffMove(
            Move.ROADMAP,
            partial(wf.item_close, result=Move.ROADMAP),
            CloseInput,
            "ItemRoadmapApi",
            "roadmap",
            "Close as on the roadmap",
        ),
        StaffMove(
            Move.CANNOT_RESOLVE,
            partial(wf.item_close, result=Move.CANNOT_RESOLVE),
            CloseInput,
            "ItemCannotResolveApi",
            "cannot-resolve",
            "Close as cannot be resolved",
        ),
        StaffMove(
            Move.UPHOLD,
            wf.item_uphold,
            UpholdInput,
            "ItemUpholdApi",
            "uphold",
            "After a dispute, keep the result with an explanation for the citizen",
        ),
    )
}


def moves_offered(status: Status | str, *, actors: set[Actor]) -> list[StaffMove]:
    """The rows a user holding ``actors`` may make now: the main move of the state first (a move reached
    through another one, e.g. accept-and-forward), then the other moves, the refusals last."""
    offered = [row for row in STAFF_MOVES.values() if row.offered(status, actors)]
    return sorted(offered, key=lambda row: (row.refusal, not row.primary, status not in row.also_from))
