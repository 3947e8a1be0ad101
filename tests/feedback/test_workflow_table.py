"""The move table against the hand-written lifecycle (tests/feedback/lifecycle.py): every (state, move, actor)
triple gives the oracle's target, a 409 for a state the move does not leave, a 403 for the wrong actor."""

import itertools

from feedback.models import Status
from feedback.workflow import Actor, Move, available_moves, check_move, is_repeat
from mttq_portal.errors import ConflictError, NotAllowedError
from tests.feedback.lifecycle import ACTORS, LEGAL, NEW_DECISION_EACH_TIME, STATES, WHO


def _outcome(state, move, actor) -> str:
    try:
        return check_move(state, move, actor=actor)
    except NotAllowedError as refusal:
        return f"403 {refusal.code}"
    except ConflictError as refusal:
        return f"409 {refusal.code}"


def _expected(state, move, actor) -> str:
    if actor not in WHO[move]:
        return "403 move_not_allowed_for_role"
    if (state, move) not in LEGAL:
        return "409 move_not_allowed_in_state"
    return LEGAL[(state, move)]


def test_the_oracle_names_every_state_move_and_actor_of_the_code():
    assert set(STATES) == set(Status.values)
    assert set(WHO) == {m.value for m in Move}
    assert set(ACTORS) == {a.value for a in Actor}


def test_every_state_move_actor_triple_matches_the_lifecycle():
    # given every (state, move, actor) triple: 12 x 15 x 4
    triples = list(itertools.product(STATES, WHO, ACTORS))

    # when each is checked, then the outcome is the oracle's, with no exception
    wrong = {t: (_outcome(*t), _expected(*t)) for t in triples if _outcome(*t) != _expected(*t)}

    assert wrong == {}
    assert len(triples) == 720


def test_repeating_a_move_is_detected_but_reforward_and_extend_are_new_decisions():
    repeats = {(state, move) for state in STATES for move in WHO if is_repeat(state, move)}

    # a repeat is a move whose target the item already has, except the two that keep the status
    assert repeats == {
        (target, move) for (_source, move), target in LEGAL.items() if move not in NEW_DECISION_EACH_TIME
    }
    assert ("rejected", "reject") in repeats
    assert ("forwarded", "reforward") not in repeats


def test_the_agency_can_only_answer_or_return_a_forwarded_item():
    assert set(available_moves(Status.FORWARDED, actors={Actor.AGENCY})) == {Move.ANSWER, Move.RETURN}
    assert available_moves(Status.RECEIVED, actors={Actor.AGENCY}) == []
