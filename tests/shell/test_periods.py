"""The one period parser: every form, counted by hand, as half-open ranges [start, end)."""

from datetime import date

import pytest

from mttq_portal.errors import ApplicationError
from mttq_portal.periods import PeriodForm, period_parse


@pytest.mark.parametrize(
    ("code", "start", "end", "last_day"),
    [
        ("2026", date(2026, 1, 1), date(2027, 1, 1), date(2026, 12, 31)),
        ("2026-H1", date(2026, 1, 1), date(2026, 7, 1), date(2026, 6, 30)),
        ("2026-h2", date(2026, 7, 1), date(2027, 1, 1), date(2026, 12, 31)),
        ("2026-Q1", date(2026, 1, 1), date(2026, 4, 1), date(2026, 3, 31)),
        ("2026-Q4", date(2026, 10, 1), date(2027, 1, 1), date(2026, 12, 31)),
        ("2028-02", date(2028, 2, 1), date(2028, 3, 1), date(2028, 2, 29)),  # a leap year
        ("2026-12", date(2026, 12, 1), date(2027, 1, 1), date(2026, 12, 31)),
        ("2026-01-15..2026-02-14", date(2026, 1, 15), date(2026, 2, 15), date(2026, 2, 14)),
        ("2026-2030", date(2026, 1, 1), date(2031, 1, 1), date(2030, 12, 31)),
    ],
)
def test_each_form_is_a_half_open_range(code, start, end, last_day):
    period = period_parse(code)
    assert (period.start, period.end, period.last_day) == (start, end, last_day)


@pytest.mark.parametrize("code", ["", "26", "2026-Q5", "2026-H3", "2026-13", "2026-02-30..2026-03-01", "1999"])
def test_a_bad_code_is_a_clear_error(code):
    with pytest.raises(ApplicationError) as refusal:
        period_parse(code)
    assert refusal.value.code == "invalid_period"


def test_a_caller_accepts_only_its_forms():
    with pytest.raises(ApplicationError):
        period_parse("2026-05", forms=frozenset({PeriodForm.YEAR, PeriodForm.QUARTER}))
    assert period_parse("2026-03-31..2026-03-31").end == date(2026, 4, 1)
