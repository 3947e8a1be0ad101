"""Due dates through the real forwarding service (``item_accept_and_forward``) and ``compute_due_date``.

Every expected date is computed by hand in the comments. Public holidays as the ``holidays`` package gives
them for VN (observed=True):
  2026: Thu 1 Jan; Tết Mon 16 - Fri 20 Feb (lunar new year Tue 17 Feb); Hùng Kings Sun 26 Apr + observed
        Mon 27 Apr; Thu 30 Apr; Fri 1 May; Mon 31 Aug; Tue 1 - Wed 2 Sep; Culture Day Tue 24 Nov.
  2027: Fri 1 Jan; Tết Thu 4 - Wed 10 Feb (lunar new year Sat 6 Feb); Fri 16 Apr; Fri 30 Apr; Sat 1 May +
        observed Mon 3 May; Thu 2 - Fri 3 Sep; Culture Day Wed 24 Nov.
Default rules (feedback/deadlines.py DEFAULT_RULES): answer 15 calendar days, 1 extension of 15 days;
complaint 30 days, 45 if complex or remote, 60 if both, no extension; triage 10 working days (Law on Citizen
Reception 2013 Art. 28; 5 working days only for administrative regulations, Decree 20/2008 Art. 9).
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from feedback.deadlines import WorkingCalendar, compute_due_date
from feedback.models import CalendarException, EventKind, Item, ItemEvent, ItemType, Status, Step
from feedback.services import workflow as wf
from mttq_portal.errors import ConflictError
from tests.factories import ItemFactory

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")
D = dt.date


def _on(day: dt.date):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 9, tzinfo=VN), tick=False)


@pytest.fixture
def forward(rules, commune_a, agency_a, officer_a):
    """Forward a new item of commune A to agency A on ``day``; returns the item as saved."""

    def run(day: dt.date, *, item_type=ItemType.REPORT, is_complex=False) -> Item:
        with _on(day):
            item = ItemFactory(commune=commune_a, type=item_type, is_complex=is_complex)
            wf.item_accept_and_forward(user=officer_a, item_id=item.pk, agency_id=agency_a.pk)
        item.refresh_from_db()
        assert item.status == Status.FORWARDED
        return item

    return run


def _cal_exception(day: dt.date, kind) -> None:
    CalendarException.objects.create(date=day, kind=kind, note="Hoán đổi ngày làm việc")


# ---- Tết, Culture Day, weekends -------------------------------------------------------------------------


def test_answer_due_date_across_tet_2026(forward):
    # given an item forwarded on Monday 2 February 2026 (15 calendar days)
    # when: 2 Feb + 15 = Tue 17 Feb, the lunar new year; Tết runs Mon 16 - Fri 20, then Sat 21, Sun 22
    item = forward(D(2026, 2, 2))
    # then the period ends on the first working day after Tết: Monday 23 February 2026
    assert item.due_date == item.answer_due_date == D(2026, 2, 23)
    assert item.due_step == Step.ANSWER


def test_triage_working_days_across_tet_2026(rules):
    # given an item received on Thursday 12 February 2026 (triage: 10 working days)
    # when counting: Fri 13 (1); Sat 14, Sun 15; Tết Mon 16 - Fri 20; Sat 21, Sun 22; Mon 23 (2), Tue 24 (3),
    # Wed 25 (4), Thu 26 (5), Fri 27 (6), Mon 2 Mar (7), Tue 3 (8), Wed 4 (9), Thu 5 (10)
    due = compute_due_date(step=Step.TRIAGE, item_type=ItemType.REPORT, channel="web", start=D(2026, 2, 12))
    # then the triage is due on Thursday 5 March 2026
    assert (due.days, due.day_count, due.due_date) == (10, "working", D(2026, 3, 5))


def test_answer_due_date_across_tet_2027(forward):
    # given an item forwarded on Friday 22 January 2027
    # when: 22 Jan + 15 = Sat 6 Feb 2027, the lunar new year; Sun 7 and Tết to Wed 10 Feb are days off
    item = forward(D(2027, 1, 22))
    # then the answer is due on Thursday 11 February 2027
    assert item.due_date == D(2027, 2, 11)


def test_complaint_across_tet_2027(forward):
    # given a complaint forwarded on Tuesday 5 January 2027 (30 calendar days)
    # when: 5 Jan + 30 = Thu 4 Feb 2027 (29th of the lunar year, a Tết day off); Tết runs to Wed 10 Feb
    item = forward(D(2027, 1, 5), item_type=ItemType.COMPLAINT)
    # then the answer is due on Thursday 11 February 2027
    assert item.due_date == D(2027, 2, 11)


def test_triage_working_days_across_tet_2027(rules):
    # given an item received on Tuesday 2 February 2027
    # when counting: Wed 3 (1); Tết Thu 4 - Wed 10; Thu 11 (2), Fri 12 (3); Sat, Sun; Mon 15 (4), Tue 16 (5),
    # Wed 17 (6), Thu 18 (7), Fri 19 (8); Sat, Sun; Mon 22 (9), Tue 23 (10)
    due = compute_due_date(step=Step.TRIAGE, item_type=ItemType.REPORT, channel="web", start=D(2027, 2, 2))
    # then the triage is due on Tuesday 23 February 2027
    assert due.due_date == D(2027, 2, 23)


def test_vietnam_culture_day_rolls_the_answer_forward(forward):
    # given an item forwarded on Monday 9 November 2026
    # when: 9 Nov + 15 = Tue 24 Nov 2026, Vietnam Culture Day
    item = forward(D(2026, 11, 9))
    # then the answer is due the next day, Wednesday 25 November 2026
    assert item.due_date == D(2026, 11, 25)


def test_vietnam_culture_day_is_skipped_by_working_days(rules):
    # given an item received on Thursday 19 November 2026
    # when counting: Fri 20 (1); Sat, Sun; Mon 23 (2); Tue 24 Culture Day; Wed 25 (3), Thu 26 (4), Fri 27 (5);
    # Sat, Sun; Mon 30 (6), Tue 1 Dec (7), Wed 2 (8), Thu 3 (9), Fri 4 (10)
    due = compute_due_date(step=Step.TRIAGE, item_type=ItemType.REPORT, channel="web", start=D(2026, 11, 19))
    # then the triage is due on Friday 4 December 2026
    assert due.due_date == D(2026, 12, 4)


@pytest.mark.parametrize(
    ("forwarded_on", "expected"),
    [
        (D(2026, 3, 5), D(2026, 3, 20)),  # Thu 5 Mar + 15 = Fri 20 Mar, a working day: unchanged
        (D(2026, 3, 6), D(2026, 3, 23)),  # Fri 6 Mar + 15 = Sat 21 Mar -> Mon 23 Mar
        (D(2026, 3, 7), D(2026, 3, 23)),  # Sat 7 Mar + 15 = Sun 22 Mar -> Mon 23 Mar
    ],
)
def test_calendar_days_ending_on_a_weekend_roll_to_monday(forward, forwarded_on, expected):
    # given an item forwarded on the day; when the 15 days end; then as commented
    assert forward(forwarded_on).due_date == expected


def test_roll_forward_crosses_a_weekend_and_an_observed_holiday(forward):
    # given an item forwarded on Friday 10 April 2026
    # when: 10 Apr + 15 = Sat 25 Apr; Sun 26 Apr is Hùng Kings' day, observed on Mon 27 Apr
    item = forward(D(2026, 4, 10))
    # then the period ends on the next working day, Tuesday 28 April 2026
    assert item.due_date == D(2026, 4, 28)


# ---- complaints: 30 / 45 / 60 days ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("remote", "complex_", "days", "expected"),
    [
        (False, False, 30, D(2026, 4, 1)),  # Mon 2 Mar + 30 = Wed 1 Apr
        (False, True, 45, D(2026, 4, 16)),  # Mon 2 Mar + 45 = Thu 16 Apr
        (True, False, 45, D(2026, 4, 16)),  # remote commune: 45 days as well
        # remote and complex: Mon 2 Mar + 60 = Fri 1 May (Labour Day); Sat 2, Sun 3 -> Mon 4 May
        (True, True, 60, D(2026, 5, 4)),
    ],
)
def test_complaint_days_by_remote_area_and_complexity(forward, commune_a, remote, complex_, days, expected):
    # given a complaint from commune A, remote or not, complex or not
    commune_a.is_remote_area = remote
    commune_a.save(update_fields=["is_remote_area"])
    # when it is forwarded on Monday 2 March 2026
    item = forward(D(2026, 3, 2), item_type=ItemType.COMPLAINT, is_complex=complex_)
    # then the rule's amount is recorded with the date
    assert item.due_date == expected
    event = ItemEvent.objects.get(item=item, kind=EventKind.TRANSITION, to_status=Status.FORWARDED)
    assert (event.due_date, event.data["days"], event.data["day_count"]) == (expected, days, "calendar")


def test_remote_area_alone_does_not_change_a_rule_without_remote_days(forward, commune_a):
    # given a remote commune and a report (the default answer rule has no remote amount)
    commune_a.is_remote_area = True
    commune_a.save(update_fields=["is_remote_area"])
    # when forwarded on Mon 2 Mar 2026; then 15 days: Tue 17 Mar 2026
    assert forward(D(2026, 3, 2)).due_date == D(2026, 3, 17)


# ---- extensions -----------------------------------------------------------------------------------------


def test_granted_extension_replaces_the_due_date_and_stays_in_the_history(forward, agency_officer_a, officer_a):
    # given an item forwarded on Mon 2 Mar 2026: due Tue 17 Mar 2026
    item = forward(D(2026, 3, 2))
    assert item.due_date == D(2026, 3, 17)
    # when the agency asks on Tue 10 Mar with no amount (the rule's 15 days: 17 Mar + 15 = Wed 1 Apr)
    with _on(D(2026, 3, 10)):
        request = wf.extension_request(user=agency_officer_a, item_id=item.pk, reason="Cần khảo sát hiện trường")
        # and the Front grants it
        wf.extension_decide(user=officer_a, request_id=request.pk, grant=True)
    # then the new date replaces the old one on the item
    item.refresh_from_db()
    assert request.requested_due_date == D(2026, 4, 1)
    assert (item.due_date, item.answer_due_date, item.extension_count) == (D(2026, 4, 1), D(2026, 4, 1), 1)
    assert item.status == Status.FORWARDED
    # and the history keeps both dates, in order
    events = list(ItemEvent.objects.filter(item=item).exclude(due_date=None).order_by("pk"))
    assert [(e.kind, e.due_date) for e in events][-3:] == [
        (EventKind.TRANSITION, D(2026, 3, 17)),
        (EventKind.EXTENSION_REQUESTED, D(2026, 4, 1)),
        (EventKind.TRANSITION, D(2026, 4, 1)),
    ]
    assert events[-1].data["move"] == "extend"
    assert events[-1].data["previous_due_date"] == "2026-03-17"


def test_extension_rolls_forward_off_a_holiday(forward, agency_officer_a, officer_a):
    # given an item forwarded on Mon 13 Apr 2026: 13 Apr + 15 = Tue 28 Apr
    item = forward(D(2026, 4, 13))
    assert item.due_date == D(2026, 4, 28)
    # when the agency asks for 3 more days: Tue 28 Apr + 3 = Fri 1 May (Labour Day); Sat 2, Sun 3
    with _on(D(2026, 4, 20)):
        request = wf.extension_request(user=agency_officer_a, item_id=item.pk, reason="Chờ ý kiến sở", requested_days=3)
        wf.extension_decide(user=officer_a, request_id=request.pk, grant=True)
    # then the new due date is Monday 4 May 2026
    item.refresh_from_db()
    assert item.due_date == D(2026, 5, 4)


def test_a_second_extension_beyond_the_rule_is_refused(forward, agency_officer_a, officer_a):
    # given an item whose one allowed extension (default answer rule) was granted
    item = forward(D(2026, 3, 2))
    with _on(D(2026, 3, 10)):
        first = wf.extension_request(user=agency_officer_a, item_id=item.pk, reason="Cần khảo sát")
        wf.extension_decide(user=officer_a, request_id=first.pk, grant=True)
    # when the agency asks again
    with _on(D(2026, 3, 25)), pytest.raises(ConflictError) as refused:
        wf.extension_request(user=agency_officer_a, item_id=item.pk, reason="Cần thêm thời gian")
    # then it is refused and the due date stays the granted one
    assert refused.value.code == "extension_limit"
    item.refresh_from_db()
    assert (item.due_date, item.extension_count) == (D(2026, 4, 1), 1)
    assert not ItemEvent.objects.filter(item=item, note="Cần thêm thời gian").exists()


def test_complaints_allow_no_extension(forward, agency_officer_a):
    # given a complaint (the Law on Complaints sets the period; the rule allows 0 extensions)
    item = forward(D(2026, 3, 2), item_type=ItemType.COMPLAINT)
    # when the agency asks for more time; then it is refused
    with _on(D(2026, 3, 10)), pytest.raises(ConflictError) as refused:
        wf.extension_request(user=agency_officer_a, item_id=item.pk, reason="Cần xác minh", requested_days=10)
    assert refused.value.code == "extension_limit"


# ---- the government's day swaps (CalendarException) -----------------------------------------------------


def test_a_working_saturday_can_be_the_due_date(forward):
    # given Saturday 21 March 2026 declared a working day
    _cal_exception(D(2026, 3, 21), CalendarException.Kind.WORKING_DAY)
    # when an item is forwarded on Fri 6 Mar (6 + 15 = Sat 21 Mar)
    # then the period ends that Saturday instead of Monday 23 March
    assert forward(D(2026, 3, 6)).due_date == D(2026, 3, 21)


def test_an_extra_day_off_rolls_the_due_date(forward):
    # given Tuesday 17 March 2026 declared a day off
    _cal_exception(D(2026, 3, 17), CalendarException.Kind.DAY_OFF)
    # when an item is forwarded on Mon 2 Mar (2 + 15 = Tue 17 Mar)
    # then the answer is due on Wednesday 18 March 2026
    assert forward(D(2026, 3, 2)).due_date == D(2026, 3, 18)


def test_day_swaps_count_in_working_days(rules):
    # given Saturday 7 March 2026 a working day and Tuesday 10 March a day off
    _cal_exception(D(2026, 3, 7), CalendarException.Kind.WORKING_DAY)
    _cal_exception(D(2026, 3, 10), CalendarException.Kind.DAY_OFF)
    # when counting 5 working days from Thu 5 Mar: Fri 6 (1), Sat 7 (2), Mon 9 (3), Wed 11 (4), Thu 12 (5)
    due = WorkingCalendar.load().add_working_days(D(2026, 3, 5), 5)
    # then the fifth working day is Thursday 12 March 2026
    assert due == D(2026, 3, 12)


def test_a_working_saturday_counts_in_working_days(rules):
    # given Saturday 7 March 2026 a working day
    _cal_exception(D(2026, 3, 7), CalendarException.Kind.WORKING_DAY)
    # when counting 5 working days from Thu 5 Mar: Fri 6 (1), Sat 7 (2), Mon 9 (3), Tue 10 (4), Wed 11 (5)
    due = WorkingCalendar.load().add_working_days(D(2026, 3, 5), 5)
    # then the fifth working day is Wednesday 11 March 2026 (Thursday 12 without the swap)
    assert due == D(2026, 3, 11)
