"""Make-up working days (ngày làm bù) of the government's day swaps, from the ``holidays`` package and the
exception table.

The swap the package knows for 2026 (``holidays`` 0.109, ``VietnamStaticHolidays.special_public_holidays``):
National Day 2026 runs Tue 1 - Wed 2 Sep; Monday 31 August 2026 is given off and worked on Saturday
22 August 2026. The package knows no swap for 2027. Dates below are counted by hand on a 2026 calendar:
August 2026 starts on a Saturday, so Fri 7, Sat 8, Mon 10, ..., Sat 22, Mon 24, ..., Mon 31.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from feedback.deadlines import WorkingCalendar, compute_due_date, package_make_up_days
from feedback.models import CalendarException, ItemType, Step
from feedback.services import workflow as wf
from tests.factories import ItemFactory

D = dt.date
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _no_exceptions() -> WorkingCalendar:
    return WorkingCalendar(days_off=frozenset(), working_days=frozenset())


def test_the_package_knows_exactly_one_swap_in_2026_2027():
    # given the package's data for 2026 and 2027
    # then the only weekend day worked is Saturday 22 August 2026 (for Monday 31 August 2026)
    assert package_make_up_days(2026) == {D(2026, 8, 22)}
    assert package_make_up_days(2027) == frozenset()


def test_22_august_2026_is_a_working_day_and_31_august_is_off():
    cal = _no_exceptions()
    assert D(2026, 8, 22).weekday() == 5  # a Saturday
    assert cal.is_working_day(D(2026, 8, 22))
    assert not cal.is_working_day(D(2026, 8, 31))
    # the Sunday after the make-up Saturday stays a day off
    assert not cal.is_working_day(D(2026, 8, 23))


def test_every_other_weekend_day_of_2026_and_2027_is_off():
    # given every Saturday and Sunday of 2026-2027: 2026 has 52 Saturdays and 52 Sundays (1 Jan 2026 is a
    # Thursday), 2027 has 52 + 52 (1 Jan 2027 is a Friday; 2 Jan is the first Saturday, 3 Jan the first Sunday)
    cal = _no_exceptions()
    weekend_days = [
        D(2026, 1, 1) + dt.timedelta(days=n)
        for n in range(730)
        if (D(2026, 1, 1) + dt.timedelta(days=n)).weekday() >= 5
    ]
    assert len(weekend_days) == 208
    worked = [day for day in weekend_days if cal.is_working_day(day)]
    # then only the make-up Saturday is worked
    assert worked == [D(2026, 8, 22)]


def test_fifteen_calendar_days_from_7_august_2026_end_on_the_make_up_saturday():
    # given Friday 7 August 2026; 7 + 15 = Saturday 22 August, a working day (make-up day)
    # then the period ends on Saturday 22 August 2026 (it rolled to Monday 24 August before)
    assert _no_exceptions().add_calendar_days(D(2026, 8, 7), 15) == D(2026, 8, 22)


def test_fifteen_working_days_from_7_august_2026_count_the_make_up_saturday():
    # given Friday 7 August 2026, counting working days from the next day:
    # Mon 10 (1), Tue 11 (2), Wed 12 (3), Thu 13 (4), Fri 14 (5), Mon 17 (6), Tue 18 (7), Wed 19 (8),
    # Thu 20 (9), Fri 21 (10), Sat 22 make-up (11), Mon 24 (12), Tue 25 (13), Wed 26 (14), Thu 27 (15)
    # then the 15th working day is Thursday 27 August 2026 (Friday 28 August without the make-up day)
    assert _no_exceptions().add_working_days(D(2026, 8, 7), 15) == D(2026, 8, 27)


def test_working_days_across_the_national_day_2026_swap():
    # given Thursday 27 August 2026 and 5 working days:
    # Fri 28 (1); Sat 29, Sun 30; Mon 31 off (swapped); Tue 1, Wed 2 Sep National Day; Thu 3 (2), Fri 4 (3);
    # Mon 7 (4), Tue 8 (5)
    assert _no_exceptions().add_working_days(D(2026, 8, 27), 5) == D(2026, 9, 8)


@pytest.mark.django_db
def test_the_exception_table_wins_over_the_package():
    # given the admin declares the make-up Saturday a day off after all, and a 2027 Saturday a working day
    CalendarException.objects.create(date=D(2026, 8, 22), kind=CalendarException.Kind.DAY_OFF, note="Đổi lịch")
    CalendarException.objects.create(date=D(2027, 3, 6), kind=CalendarException.Kind.WORKING_DAY, note="Làm bù")
    cal = WorkingCalendar.load()
    # then the table decides both days
    assert not cal.is_working_day(D(2026, 8, 22))
    assert cal.is_working_day(D(2027, 3, 6))
    # and 7 Aug + 15 = Sat 22 Aug, now off; Sun 23 -> Monday 24 August 2026
    assert cal.add_calendar_days(D(2026, 8, 7), 15) == D(2026, 8, 24)


@pytest.mark.django_db
def test_an_item_forwarded_on_7_august_2026_is_due_on_22_august(rules, commune_a, agency_a, officer_a):
    # given a report forwarded on Friday 7 August 2026 (answer rule: 15 calendar days)
    with time_machine.travel(dt.datetime(2026, 8, 7, 9, tzinfo=VN), tick=False):
        item = ItemFactory(commune=commune_a, type=ItemType.REPORT)
        wf.item_accept_and_forward(user=officer_a, item_id=item.pk, agency_id=agency_a.pk)
    item.refresh_from_db()
    # then the answer is due on Saturday 22 August 2026, the make-up working day
    assert item.answer_due_date == D(2026, 8, 22)
    # and a triage count over the swap: received Fri 21 Aug, 10 working days (Law on Citizen Reception
    # Art. 28): Sat 22 (1), Mon 24 (2), Tue 25 (3), Wed 26 (4), Thu 27 (5), Fri 28 (6); Mon 31 off;
    # Tue 1, Wed 2 Sep off; Thu 3 (7), Fri 4 (8), Mon 7 (9), Tue 8 (10)
    due = compute_due_date(step=Step.TRIAGE, item_type=ItemType.REPORT, channel="web", start=D(2026, 8, 21))
    assert (due.days, due.due_date) == (10, D(2026, 9, 8))
