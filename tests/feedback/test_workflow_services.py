"""Every (state, move, role) through the workflow services; repeats are no-ops; concurrent moves serialise."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from feedback.models import EventKind, ExtensionRequest, HandlingLevel, Item, ItemEvent, Notification, Status
from feedback.services import workflow as wf
from feedback.workflow import Move
from mttq_portal.errors import ApplicationError, ConflictError, NotAllowedError, NotFoundError
from tests.factories import ItemFactory
from tests.feedback.lifecycle import LEGAL, NEW_DECISION_EACH_TIME, REFUSED_IN, WHO
from tests.feedback.workflow_fixtures import answer_rule, item_in, pending_extension

pytestmark = pytest.mark.django_db

ROLES = ["commune_front", "province_front", "agency", "other_commune_front", "other_agency", "board"]
# The citizen's dispute (REOPEN) is the citizen's, not a staff service.
STAFF_MOVES = [m.value for m in Move if m != Move.REOPEN]


@pytest.fixture
def users(officer_a, province_officer, agency_officer_a, officer_b, agency_officer_b, board_viewer):
    return dict(
        zip(
            ROLES,
            [officer_a, province_officer, agency_officer_a, officer_b, agency_officer_b, board_viewer],
            strict=True,
        )
    )


def call(move, *, user, item, ctx):
    if move == Move.ACCEPT:
        return wf.item_accept(user=user, item_id=item.id)
    if move == Move.REJECT:
        return wf.item_reject(user=user, item_id=item.id, reason="Không thuộc phạm vi")
    if move == Move.MERGE:
        return wf.item_merge(user=user, item_id=item.id, target_id=ctx["target"].id)
    if move == Move.WITHDRAW:
        return wf.item_withdraw_on_request(user=user, item_id=item.id, note="Người dân gọi điện rút")
    if move == Move.FORWARD:
        return wf.item_forward(user=user, item_id=item.id, agency_id=ctx["agency_a"].id)
    if move == Move.REFORWARD:
        return wf.item_reforward(user=user, item_id=item.id, agency_id=ctx["agency_b"].id, note="Sai thẩm quyền")
    if move == Move.EXTEND:
        request = pending_extension(item, ctx["agency_a"])
        return wf.extension_decide(user=user, request_id=request.id, grant=True)
    if move == Move.RETURN:
        return wf.item_return(user=user, item_id=item.id, reason="Không thuộc thẩm quyền")
    if move == Move.ANSWER:
        return wf.item_answer(user=user, item_id=item.id, answer="Đã khắc phục")
    if move == Move.SEND_BACK:
        return wf.item_send_back(user=user, item_id=item.id, reason="Chưa trả lời đủ")
    if move == Move.UPHOLD:
        return wf.item_uphold(user=user, item_id=item.id, explanation="Kết quả đã đúng quy định")
    return wf.item_close(user=user, item_id=item.id, result=move, public_answer="Đã giải quyết xong")


def _user_for(move, users):
    return users["agency"] if "agency" in WHO[move] else users["commune_front"]


def _transitions(item):
    return list(ItemEvent.objects.filter(item=item, kind=EventKind.TRANSITION).values_list("from_status", "to_status"))


@pytest.mark.parametrize(("state", "move"), [edge for edge in LEGAL if edge[1] in STAFF_MOVES])
def test_each_legal_move_through_the_services(state, move, users, commune_a, agency_a, agency_b):
    # given an item of commune A in a state the move leaves, and the officer whose move it is
    item = item_in(state, commune=commune_a, agency=agency_a)
    ctx = {"target": ItemFactory(commune=commune_a), "agency_a": agency_a, "agency_b": agency_b}

    # when the service is called
    call(move, user=_user_for(move, users), item=item, ctx=ctx)

    # then the item reached the lifecycle's target, with one event row saying so
    item.refresh_from_db()
    assert item.status == LEGAL[(state, move)]
    assert _transitions(item) == [(state, LEGAL[(state, move)])]


@pytest.mark.parametrize("move", STAFF_MOVES)
def test_each_move_is_refused_in_a_state_it_does_not_leave(move, users, commune_a, agency_a, agency_b):
    state = REFUSED_IN[move]
    # the oracle agrees this is a refusal, not a repeat
    assert (state, move) not in LEGAL
    assert state not in {to for (_s, m), to in LEGAL.items() if m == move}
    item = item_in(state, commune=commune_a, agency=agency_a)
    ctx = {"target": ItemFactory(commune=commune_a), "agency_a": agency_a, "agency_b": agency_b}

    with pytest.raises(ConflictError) as refusal:
        call(move, user=_user_for(move, users), item=item, ctx=ctx)

    assert refusal.value.code == "move_not_allowed_in_state"
    item.refresh_from_db()
    assert item.status == state
    assert _transitions(item) == []


@pytest.mark.parametrize("move", STAFF_MOVES)
def test_each_move_is_refused_to_the_other_role(move, users, commune_a, agency_a, agency_b):
    # given a forwarded item, which both the commune's Front officer and the agency's officer see
    item = item_in(Status.FORWARDED, commune=commune_a, agency=agency_a)
    other = users["commune_front"] if "agency" in WHO[move] else users["agency"]
    ctx = {"target": ItemFactory(commune=commune_a), "agency_a": agency_a, "agency_b": agency_b}

    with pytest.raises(NotAllowedError) as refusal:
        call(move, user=other, item=item, ctx=ctx)

    assert refusal.value.code == "move_not_allowed_for_role"
    assert _transitions(item) == []


@pytest.mark.parametrize("move", STAFF_MOVES)
@pytest.mark.parametrize("outsider", ["other_commune_front", "other_agency", "board"])
def test_each_move_is_not_found_for_an_officer_outside_the_scope(move, outsider, users, commune_a, agency_a, agency_b):
    source = next(state for (state, m) in LEGAL if m == move)
    item = item_in(source, commune=commune_a, agency=agency_a)
    ctx = {"target": ItemFactory(commune=commune_a), "agency_a": agency_a, "agency_b": agency_b}

    with pytest.raises(NotFoundError):
        call(move, user=users[outsider], item=item, ctx=ctx)

    assert _transitions(item) == []


@pytest.mark.parametrize(
    ("target", "move"),
    sorted({(to, m) for (_s, m), to in LEGAL.items() if m in STAFF_MOVES and m not in NEW_DECISION_EACH_TIME}),
)
def test_a_repeated_move_changes_nothing(target, move, users, commune_a, agency_a, agency_b):
    # given an item the move already brought to its target (a double click)
    item = item_in(target, commune=commune_a, agency=agency_a)
    ctx = {"target": ItemFactory(commune=commune_a), "agency_a": agency_a, "agency_b": agency_b}
    if move == Move.RETURN:  # the returning officer's own last move, which took the item out of its inbox
        ItemEvent.objects.create(
            item=item,
            kind=EventKind.TRANSITION,
            actor=users["agency"],
            from_status="forwarded",
            to_status="returned",
            data={"move": "return"},
        )

    result = call(move, user=_user_for(move, users), item=item, ctx=ctx)

    assert result.changed is False
    item.refresh_from_db()
    assert item.status == target


def test_the_provincial_front_may_take_over_a_commune_item(users, commune_a):
    item = ItemFactory(commune=commune_a)

    wf.item_accept(user=users["province_front"], item_id=item.id)

    item.refresh_from_db()
    assert item.status == Status.ACCEPTED


def test_forwarding_sets_one_agency_and_the_rule_due_date(officer_a, commune_a, agency_a, rules):
    item = ItemFactory(commune=commune_a, type="complaint", is_complex=True, status=Status.ACCEPTED)
    commune_a.is_remote_area = True
    commune_a.save()

    result = wf.item_forward(user=officer_a, item_id=item.id, agency_id=agency_a.id)

    item.refresh_from_db()
    assert item.current_agency == agency_a
    assert item.status == Status.FORWARDED
    assert item.due_rule.item_type == "complaint"
    event = result.event
    assert event.data["days"] == 60
    assert "Khiếu nại" in event.data["legal_reference"]
    assert item.due_date == event.due_date == item.answer_due_date
    assert item.triage_on_time is True


def test_forwarding_outside_the_province_or_without_agency_is_refused(officer_a, commune_a, front_a):
    item = ItemFactory(commune=commune_a, status=Status.ACCEPTED)
    with pytest.raises(ApplicationError) as no_agency:
        wf.item_forward(user=officer_a, item_id=item.id, agency_id="")
    with pytest.raises(ApplicationError) as not_an_agency:
        wf.item_forward(user=officer_a, item_id=item.id, agency_id=front_a.id)
    assert "agency" in no_agency.value.fields
    assert not_an_agency.value.code == "unknown_agency"


def test_extension_asked_granted_and_limited(officer_a, agency_officer_a, commune_a, agency_a):
    item = item_in(Status.FORWARDED, commune=commune_a, agency=agency_a)
    old_due = item.due_date

    request = wf.extension_request(user=agency_officer_a, item_id=item.id, reason="Cần đo đạc lại", requested_days=10)
    again = wf.extension_request(user=agency_officer_a, item_id=item.id, reason="Cần đo đạc lại", requested_days=10)
    decided = wf.extension_decide(user=officer_a, request_id=request.id, grant=True)
    wf.extension_decide(user=officer_a, request_id=request.id, grant=True)  # a repeat

    item.refresh_from_db()
    assert again.pk == request.pk
    assert decided.status == "granted"
    assert decided.decided_by == officer_a
    assert item.due_date == request.requested_due_date > old_due
    assert item.extension_count == 1
    assert ItemEvent.objects.filter(item=item, data__move="extend").count() == 1
    with pytest.raises(ConflictError) as limit:
        wf.extension_request(user=agency_officer_a, item_id=item.id, reason="Thêm lần nữa", requested_days=5)
    assert limit.value.code == "extension_limit"


def test_only_the_agency_asks_and_only_the_front_decides(officer_a, agency_officer_a, commune_a, agency_a):
    item = item_in(Status.FORWARDED, commune=commune_a, agency=agency_a)
    with pytest.raises(NotAllowedError):
        wf.extension_request(user=officer_a, item_id=item.id, reason="x", requested_days=3)
    request = pending_extension(item, agency_a)
    with pytest.raises(NotAllowedError):
        wf.extension_decide(user=agency_officer_a, request_id=request.id, grant=True)
    with pytest.raises(ApplicationError):
        wf.extension_decide(user=officer_a, request_id=request.id, grant=False, note="")
    refused = wf.extension_decide(user=officer_a, request_id=request.id, grant=False, note="Đủ thời gian")
    assert refused.status == "refused"
    assert ItemEvent.objects.filter(item=item, kind=EventKind.EXTENSION_REFUSED).exists()


def test_merge_keeps_both_histories_and_the_duplicate_follows_the_result(officer_a, commune_a, agency_a):
    target = item_in(Status.ANSWERED, commune=commune_a, agency=agency_a)
    duplicate = ItemFactory(commune=commune_a)

    wf.item_merge(user=officer_a, item_id=duplicate.id, target_id=target.id)
    wf.item_close(user=officer_a, item_id=target.id, result=Move.RESOLVE, public_answer="Đã sửa xong đường.")

    duplicate.refresh_from_db()
    assert duplicate.status == Status.MERGED
    assert duplicate.merged_into == target
    assert duplicate.public_answer == "Đã sửa xong đường."
    assert target.events.filter(data__merged_item=duplicate.id).exists()
    assert duplicate.events.filter(is_public=True, data__follows=target.id).exists()


def test_when_the_target_closes_each_consenting_duplicates_citizen_is_told_the_result_about_their_own_item(
    officer_a, commune_a, agency_a, django_capture_on_commit_callbacks
):
    from django.core import mail

    # given an answered item and three duplicates merged into it: two whose citizens agreed to be contacted
    # (by email only, and by email and SMS), one who did not
    target = item_in(Status.ANSWERED, commune=commune_a, agency=agency_a)
    by_email = ItemFactory(commune=commune_a, submitter_email="dup1@example.org", submitter_phone="")
    by_both = ItemFactory(commune=commune_a, submitter_email="dup2@example.org", submitter_phone="0987654321")
    silent = ItemFactory(commune=commune_a, submitter_email="dup3@example.org", consent_contact=False)
    for duplicate in (by_email, by_both, silent):
        wf.item_merge(user=officer_a, item_id=duplicate.id, target_id=target.id)
    mail.outbox.clear()
    Notification.objects.all().delete()

    # when the Front closes the target as resolved
    with django_capture_on_commit_callbacks(execute=True):
        wf.item_close(user=officer_a, item_id=target.id, result=Move.RESOLVE, public_answer="Đã sửa xong đường.")

    # then each consenting citizen gets one message per channel, about their own code, with the answer
    told = {
        (n.item_id, n.channel)
        for n in Notification.objects.filter(template="result", item__in=[by_email, by_both, silent])
    }
    assert told == {(by_email.id, "email"), (by_both.id, "email"), (by_both.id, "sms")}
    to = {m.to[0]: m for m in mail.outbox if m.to[0].startswith("dup")}
    assert set(to) == {"dup1@example.org", "dup2@example.org"}
    assert by_email.tracking_code in to["dup1@example.org"].subject
    assert target.tracking_code not in to["dup1@example.org"].subject
    assert "Đã sửa xong đường." in to["dup1@example.org"].body
    # and each follower shows the answer and a public note, once
    assert set(Item.objects.filter(merged_into=target).values_list("public_answer", flat=True)) == {
        "Đã sửa xong đường."
    }
    assert ItemEvent.objects.filter(data__follows=target.id, is_public=True).count() == 3


def test_escalation_hands_the_item_to_the_province(officer_a, province_officer, commune_a):
    item = ItemFactory(commune=commune_a)

    first = wf.item_escalate(user=officer_a, item_id=item.id, reason="Thuộc thẩm quyền Sở Xây dựng")
    repeat = wf.item_escalate(user=province_officer, item_id=item.id, reason="lặp lại")

    assert (first.changed, repeat.changed) == (True, False)

    item.refresh_from_db()
    assert item.handling_level == HandlingLevel.PROVINCE
    assert item.events.filter(kind=EventKind.ESCALATED).count() == 1
    with pytest.raises(NotAllowedError):
        wf.item_accept(user=officer_a, item_id=item.id)
    wf.item_accept(user=province_officer, item_id=item.id)


def test_bulk_forward_reports_each_item(officer_a, commune_a, commune_b, agency_a, rules):
    mine = [ItemFactory(commune=commune_a) for _ in range(3)]
    closed = ItemFactory(commune=commune_a, status=Status.REJECTED)
    foreign = ItemFactory(commune=commune_b)

    result = wf.items_bulk_forward(
        user=officer_a, item_ids=[i.id for i in mine] + [closed.id, foreign.id], agency_id=agency_a.id
    )

    assert sorted(result.forwarded) == sorted(i.id for i in mine)
    assert set(result.refused) == {closed.id, foreign.id}
    assert Item.objects.filter(current_agency=agency_a, status=Status.FORWARDED).count() == 3


def test_answer_freezes_the_on_time_flag_and_later_edits_do_not_change_it(
    officer_a, agency_officer_a, commune_a, agency_a
):
    item = item_in(
        Status.FORWARDED, commune=commune_a, agency=agency_a, answer_due_date=timezone.localdate() - timedelta(days=1)
    )
    Item.objects.filter(pk=item.pk).update(due_date=timezone.localdate() - timedelta(days=1))

    wf.item_answer(user=agency_officer_a, item_id=item.id, answer="Đã trả lời muộn")
    rule = answer_rule()
    rule.days = 90
    rule.save()
    Item.objects.filter(pk=item.pk).update(title="Tiêu đề đã sửa", is_complex=True)
    wf.item_close(user=officer_a, item_id=item.id, result=Move.RESOLVE, public_answer="Xong")

    item.refresh_from_db()
    assert item.answer_on_time is False
    assert item.answered_at is not None


@pytest.mark.django_db(transaction=True)
def test_two_officers_at_once_cannot_both_move_the_same_item(
    officer_a, province_officer, commune_a, agency_a, agency_b
):
    # given an accepted item; two officers forward it at the same moment to different agencies
    item = ItemFactory(commune=commune_a, status=Status.ACCEPTED)
    barrier = threading.Barrier(2)
    outcomes = []

    def forward(user, agency):
        try:
            barrier.wait(timeout=5)
            outcomes.append(wf.item_forward(user=user, item_id=item.id, agency_id=agency.id).changed)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=forward, args=args) for args in ((officer_a, agency_a), (province_officer, agency_b))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then exactly one forward happened; the other found it done (a no-op)
    assert sorted(outcomes) == [False, True]
    assert ItemEvent.objects.filter(item=item, data__move="forward").count() == 1


def test_bad_requested_dates_get_a_clear_message(agency_officer_a, commune_a, agency_a):
    item = item_in(Status.FORWARDED, commune=commune_a, agency=agency_a)
    with pytest.raises(ApplicationError) as bad:
        wf.extension_request(user=agency_officer_a, item_id=item.id, reason="x", requested_due_date="31/02/2026")
    assert bad.value.code == "invalid_date"
    assert not ExtensionRequest.objects.exists()


@pytest.mark.parametrize("move", [Move.REFORWARD, Move.RETURN])
def test_a_pending_extension_made_moot_is_refused_with_an_event_and_a_notice(
    move, officer_a, agency_officer_a, commune_a, agency_a, agency_b
):
    # given a forwarded item whose agency asked for more time
    item = item_in(Status.FORWARDED, commune=commune_a, agency=agency_a)
    request = pending_extension(item, agency_a)

    # when the Front sends it to another agency, or the agency returns it
    if move == Move.REFORWARD:
        wf.item_reforward(user=officer_a, item_id=item.id, agency_id=agency_b.id, note="Sai thẩm quyền")
    else:
        wf.item_return(user=agency_officer_a, item_id=item.id, reason="Không thuộc thẩm quyền")

    # then the request is refused, the history says so, and the agency that asked is told
    request.refresh_from_db()
    assert request.status == "refused"
    assert request.decided_at is not None
    refusal = ItemEvent.objects.get(item=item, kind=EventKind.EXTENSION_REFUSED)
    assert refusal.data == {"extension_request": request.id, "automatic": True}
    assert refusal.agency_id == agency_a.id
    assert refusal.note == request.decision_note
    told = Notification.objects.filter(item=item, template="extension_closed")
    assert {n.recipient_user_id for n in told} == {agency_officer_a.id}
    assert item.tracking_code in told.first().context["subject"]
