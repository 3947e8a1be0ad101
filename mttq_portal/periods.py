"""Reporting periods, parsed in one place with one convention: a period is the half-open range of days
``[start, end)``; ``end`` is the first day after it (``last_day`` is the inclusive end, for display and for
the date columns that store one).

Codes: a year ``2026``, a half-year ``2026-H1``, a quarter ``2026-Q3``, a month ``2026-05``, a range of days
``2026-01-01..2026-03-31`` (both days included, as people write it) and the resolution's term
``2026-2030``. Each caller says which forms it accepts.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from django.utils.translation import gettext as _

from .errors import ApplicationError


class PeriodForm(StrEnum):
    YEAR = "year"
    HALF = "half"
    QUARTER = "quarter"
    MONTH = "month"
    RANGE = "range"
    TERM = "term"  # the resolution's 2026-2030


TERM_FIRST_YEAR, TERM_LAST_YEAR = 2026, 2030
TERM_CODE = f"{TERM_FIRST_YEAR}-{TERM_LAST_YEAR}"
ALL_FORMS = frozenset(PeriodForm)
MAX_RANGE_DAYS = 366 * 10

_CODE = re.compile(
    r"^(?P<year>\d{4})(?:-(?:H(?P<half>[12])|Q(?P<quarter>[1-4])|(?P<month>\d{2})))?$"
    r"|^(?P<first>\d{4}-\d{2}-\d{2})\.\.(?P<last>\d{4}-\d{2}-\d{2})$"
)


@dataclass(frozen=True)
class Period:
    code: str
    form: PeriodForm
    start: date
    end: date  # exclusive: the first day after the period

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def year(self) -> int:
        return self.last_day.year

    @property
    def label(self) -> str:
        return f"{self.start:%d/%m/%Y} – {self.last_day:%d/%m/%Y}"

    def months(self) -> list[date]:
        """The first day of each month the period touches."""
        months, current = [], self.start.replace(day=1)
        while current < self.end:
            months.append(current)
            current = (current + timedelta(days=32)).replace(day=1)
        return months


def _month_start(year: int, month: int) -> date:
    """The first day of ``month`` (13 is January of the next year)."""
    return date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def _invalid(code: str) -> ApplicationError:
    return ApplicationError(
        _(
            "The period is not valid: use a year (2026), half-year (2026-H1), quarter (2026-Q2), month (2026-05) "
            "or a range (2026-01-01..2026-03-31)."
        ),
        code="invalid_period",
        fields={"period": [code]},
    )


def _parse(code: str) -> tuple[PeriodForm, date, date]:
    if code == TERM_CODE:
        return PeriodForm.TERM, date(TERM_FIRST_YEAR, 1, 1), date(TERM_LAST_YEAR + 1, 1, 1)
    match = _CODE.match(code)
    if not match:
        raise _invalid(code)
    try:
        if match["first"]:
            start = date.fromisoformat(match["first"])
            return PeriodForm.RANGE, start, date.fromisoformat(match["last"]) + timedelta(days=1)
        year = int(match["year"])
        if match["half"]:
            first = 1 if match["half"] == "1" else 7
            return PeriodForm.HALF, date(year, first, 1), _month_start(year, first + 6)
        if match["quarter"]:
            first = 3 * (int(match["quarter"]) - 1) + 1
            return PeriodForm.QUARTER, date(year, first, 1), _month_start(year, first + 3)
        if match["month"]:
            month = int(match["month"])
            return PeriodForm.MONTH, date(year, month, 1), _month_start(year, month + 1)
        return PeriodForm.YEAR, date(year, 1, 1), date(year + 1, 1, 1)
    except ValueError:  # 2026-13, 2026-02-30
        raise _invalid(code) from None


def period_parse(code: str | None, *, forms: frozenset[PeriodForm] = ALL_FORMS) -> Period:
    """The period a code names, or an ApplicationError (``invalid_period``) in the user's language."""
    code = (code or "").strip().upper()
    form, start, end = _parse(code)
    if form not in forms or not (start.year >= 2000 and end.year <= 2101):
        raise _invalid(code)
    if not start < end or (end - start).days > MAX_RANGE_DAYS:
        raise _invalid(code)
    return Period(code=code, form=form, start=start, end=end)
