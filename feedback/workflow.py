"""The lifecycle of a feedback item: a table of moves and one pure check. No database here.

Who may make each move is a role *relative to the item*: the Front officer responsible for its commune (or
the provincial Front), the officer of its current agency, the citizen holding its code and secret, or the
system (scheduled jobs).
"""

from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mttq_portal.errors import ConflictError, NotAllowedError

from .models import RESULT_STATUSES, WITHDRAWABLE_STATUSES, Status


class Actor(StrEnum):
    FRONT = "front"
    AGENCY = "agency"
    CITIZEN = "citizen"
    SYSTEM = "system"


class Move(StrEnum):
    ACCEPT = "accept"
    REJECT = "reject"
    MERGE = "merge"
    WITHDRAW = "withdraw"
    FORWARD = "forward"
    REFORWARD = "reforward"
    EXTEND = "extend"
    RETURN = "return"
    ANSWER = "answer"
    SEND_BACK = "send_back"
    RESOLVE = "resolve"
    ROADMAP = "roadmap"
    CANNOT_RESOLVE = "cannot_resolve"
    REOPEN = "reopen"
    UPHOLD = "uphold"


MOVE_LABELS: dict[str, str] = {
    Move.ACCEPT: gettext_lazy("Accept as lawful and legitimate"),
    Move.REJECT: gettext_lazy("Reject"),
    Move.MERGE: gettext_lazy("Merge into another item"),
    Move.WITHDRAW: gettext_lazy("Withdraw"),
    Move.FORWARD: gettext_lazy("Forward to an agency"),
    Move.REFORWARD: gettext_lazy("Forward to another agency"),
    Move.EXTEND: gettext_lazy("Extend the deadline"),
    Move.RETURN: gettext_lazy("Return: not our competence"),
    Move.ANSWER: gettext_lazy("Answer"),
    Move.SEND_BACK: gettext_lazy("Send the answer back to the agency"),
    Move.RESOLVE: gettext_lazy("Close as resolved"),
    Move.ROADMAP: gettext_lazy("Close as on the roadmap"),
    Move.CANNOT_RESOLVE: gettext_lazy("Close as cannot be resolved"),
    Move.REOPEN: gettext_lazy("Dispute the result"),
    Move.UPHOLD: gettext_lazy("Keep the result and explain why"),
}


@dataclass(frozen=True)
class MoveRule:
    sources: frozenset[Status]
    target: Status
    actors: frozenset[Actor]
    # The notification template the move sends (its audiences: ``AUDIENCES`` in services/notifications/audiences.py).
    notice: str = ""
    # What the citizen is told besides, when ``notice`` is for staff (forwarded to whom until when, extended
    # and why, answered, reopened); refused and closed already tell the citizen through ``notice``.
    citizen_notice: str = ""


S = Status
_FRONT = frozenset({Actor.FRONT})
_AGENCY = frozenset({Actor.AGENCY})

MOVES: dict[str, MoveRule] = {
    Move.ACCEPT: MoveRule(frozenset({S.RECEIVED, S.RETURNED, S.REOPENED}), S.ACCEPTED, _FRONT),
    Move.REJECT: MoveRule(frozenset({S.RECEIVED, S.ACCEPTED, S.RETURNED}), S.REJECTED, _FRONT, "rejected"),
    Move.MERGE: MoveRule(frozenset({S.RECEIVED, S.ACCEPTED, S.RETURNED}), S.MERGED, _FRONT),
    Move.WITHDRAW: MoveRule(WITHDRAWABLE_STATUSES, S.WITHDRAWN, frozenset({Actor.CITIZEN, Actor.FRONT})),
    Move.FORWARD: MoveRule(frozenset({S.ACCEPTED}), S.FORWARDED, _FRONT, "forwarded", "citizen_forwarded"),
    # Re-forwarding replaces the focal point; the previous agency stays in the history.
    Move.REFORWARD: MoveRule(frozenset({S.FORWARDED}), S.FORWARDED, _FRONT, "forwarded", "citizen_forwarded"),
    # An extension replaces the due date (asked by the agency, granted by the Front).
    Move.EXTEND: MoveRule(frozenset({S.FORWARDED}), S.FORWARDED, _FRONT, "extension_decided", "citizen_extended"),
    Move.RETURN: MoveRule(frozenset({S.FORWARDED}), S.RETURNED, _AGENCY, "returned"),
    Move.ANSWER: MoveRule(frozenset({S.FORWARDED}), S.ANSWERED, _AGENCY, "answered", "citizen_answered"),
    Move.SEND_BACK: MoveRule(frozenset({S.ANSWERED}), S.FORWARDED, _FRONT, "sent_back"),
    Move.RESOLVE: MoveRule(frozenset({S.ANSWERED}), S.RESOLVED, _FRONT, "result"),
    Move.ROADMAP: MoveRule(frozenset({S.ANSWERED}), S.ON_ROADMAP, _FRONT, "result"),
    Move.CANNOT_RESOLVE: MoveRule(frozenset({S.ANSWERED}), S.CANNOT_RESOLVE, _FRONT, "result"),
    Move.REOPEN: MoveRule(RESULT_STATUSES, S.REOPENED, frozenset({Actor.CITIZEN}), "disputed", "citizen_reopened"),
    # After a dispute the Front re-forwards (accept, forward) or keeps the result with an explanation the
    # citizen reads. The result kept is the one disputed (services/transitions.py); resolved is named here.
    Move.UPHOLD: MoveRule(frozenset({S.REOPENED}), S.RESOLVED, _FRONT, "", "citizen_upheld"),
}

# Moves that keep the status (a repeat of them is not a no-op: each is a new decision).
SELF_MOVES = frozenset({Move.REFORWARD, Move.EXTEND})


def check_move(current: Status | str, move: Move | str, *, actor: Actor | str) -> Status:
    """Return the target status, or raise: 409 when the state does not allow it, 403 for the wrong actor.

    ``move`` is looked up as a string: a ``Move`` member hashes as its value."""
    rule = MOVES[move]
    current = Status(current)
    if Actor(actor) not in rule.actors:
        raise NotAllowedError(
            _("You may not do this: “%(move)s” is not your role's step.") % {"move": MOVE_LABELS[move]},
            code="move_not_allowed_for_role",
        )
    if current not in rule.sources:
        raise ConflictError(
            _("“%(move)s” is not possible while the item is “%(status)s”.")
            % {"move": MOVE_LABELS[move], "status": current.label},
            code="move_not_allowed_in_state",
        )
    return rule.target


def is_repeat(current: Status | str, move: Move | str) -> bool:
    """A move whose target is already the current status is a repeat (a double click): treated as a no-op."""
    return move not in SELF_MOVES and Status(current) == MOVES[move].target


def available_moves(current: Status | str, *, actors: set[Actor]) -> list[str]:
    current = Status(current)
    return [m for m, rule in MOVES.items() if current in rule.sources and rule.actors & actors]
