"""Every (state, move, actor) triple: allowed moves give their target, others a clear 409 or 403."""

import itertools

import pytest

from feedback.models import Status
from feedback.workflow import MOVES, Actor, Move, available_moves, check_move, is_repeat
from mttq_portal.errors import ConflictError, NotAllowedError


@pytest.mark.parametrize(("state", "move", "actor"), list(itertools.product(Status, Move, Actor)))
def test_every_state_move_actor_triple(state, move, actor):
    rule = MOVES[move]
    if actor not in rule.actors:
        with pytest.raises(NotAllowedError):
            check_move(state, move, actor=actor)
    elif state not in rule.sources:
        with pytest.raises(ConflictError) as refusal:
            check_move(state, move, actor=actor)
        assert refusal.value.code == "move_not_allowed_in_state"
    else:
        assert check_move(state, move, actor=actor) == rule.target


def test_repeating_a_move_is_detected_but_reforward_and_extend_are_new_decisions():
    assert is_repeat(Status.REJECTED, Move.REJECT)
    assert not is_repeat(Status.FORWARDED, Move.REFORWARD)
    assert not is_repeat(Status.FORWARDED, Move.EXTEND)


def test_the_agency_can_only_answer_or_return_a_forwarded_item():
    assert set(available_moves(Status.FORWARDED, actors={Actor.AGENCY})) == {Move.ANSWER, Move.RETURN}
    assert available_moves(Status.RECEIVED, actors={Actor.AGENCY}) == []
