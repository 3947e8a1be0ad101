from datetime import date

import pytest

from feedback.deadlines import WorkingCalendar, compute_due_date
from feedback.models import CalendarException, ItemType, Step


def _cal(**kwargs):
    return WorkingCalendar(days_off=frozenset(kwargs.get("off", ())), working_days=frozenset(kwargs.get("work", ())))


def test_five_working_days_skip_the_weekend():
    # Received Thursday 5 March 2026 → Fri 6, Mon 9, Tue 10, Wed 11, Thu 12.
    assert _cal().add_working_days(date(2026, 3, 5), 5) == date(2026, 3, 12)


def test_working_days_skip_tet_2027():
    cal = _cal()
    # Tết Nguyên đán 2027: the first day of the lunar year is Saturday 6 February 2027.
    assert not cal.is_working_day(date(2027, 2, 8))
    received = date(2027, 2, 4)
    due = cal.add_working_days(received, 5)
    assert due > date(2027, 2, 11)
    assert cal.is_working_day(due)


def test_vietnam_culture_day_24_november_is_a_holiday():
    assert not _cal().is_working_day(date(2026, 11, 24))


def test_calendar_days_ending_on_a_weekend_roll_to_the_next_working_day():
    # 15 days from Friday 13 Nov 2026 ends on Saturday 28 Nov → Monday 30 Nov (Civil Code Art. 148).
    assert _cal().add_calendar_days(date(2026, 11, 13), 15) == date(2026, 11, 30)


def test_exceptions_swap_days():
    saturday = date(2026, 3, 7)
    monday = date(2026, 3, 9)
    cal = _cal(off=[monday], work=[saturday])

    assert cal.is_working_day(saturday)
    assert not cal.is_working_day(monday)


@pytest.mark.django_db
def test_rules_pick_the_most_specific_and_the_remote_complex_amount(seeded):
    CalendarException.objects.create(date=date(2026, 12, 31), kind=CalendarException.Kind.DAY_OFF)

    plain = compute_due_date(step=Step.ANSWER, item_type=ItemType.REPORT, channel="web", start=date(2026, 3, 2))
    complaint = compute_due_date(
        step=Step.ANSWER,
        item_type=ItemType.COMPLAINT,
        channel="web",
        start=date(2026, 3, 2),
        is_complex=True,
        is_remote=True,
    )

    assert plain.days == 15
    assert plain.due_date == date(2026, 3, 17)
    assert complaint.days == 60
    assert "Khiếu nại" in complaint.rule.legal_reference
