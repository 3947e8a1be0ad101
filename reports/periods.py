"""The reporting periods people ask for: a year, a half-year, a quarter, a month, or a date range."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from mttq_portal.errors import ApplicationError

_FORMS = re.compile(
    r"^(?P<year>\d{4})(?:-(?:(?P<half>H[12])|(?P<quarter>Q[1-4])|(?P<month>\d{2})))?$|"
    r"^(?P<start>\d{4}-\d{2}-\d{2})\.\.(?P<end>\d{4}-\d{2}-\d{2})$"
)


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    code: str

    @property
    def label(self) -> str:
        return f"{self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}"

    def months(self) -> list[date]:
        months, current = [], self.start.replace(day=1)
        while current <= self.end:
            months.append(current)
            current = (current + timedelta(days=32)).replace(day=1)
        return months


def _month_end(year: int, month: int) -> date:
    return (date(year, month, 28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def period_parse(value: str | None, *, today: date | None = None) -> Period:
    """``2026``, ``2026-H1``, ``2026-Q3``, ``2026-05`` or ``2026-01-01..2026-03-31``; empty: this year."""
    today = today or timezone.localdate()
    value = (value or "").strip().upper().replace("H", "H") or str(today.year)
    match = _FORMS.match(value)
    error = ApplicationError(
        _(
            "The period is not valid: use a year (2026), half-year (2026-H1), quarter (2026-Q2), month (2026-05) "
            "or a range (2026-01-01..2026-03-31)."
        ),
        code="invalid_period",
        fields={"period": [value]},
    )
    if not match:
        raise error
    try:
        if match["start"]:
            start, end = date.fromisoformat(match["start"]), date.fromisoformat(match["end"])
        else:
            year = int(match["year"])
            if match["half"]:
                first = 1 if match["half"] == "H1" else 7
                start, end = date(year, first, 1), _month_end(year, first + 5)
            elif match["quarter"]:
                first = 3 * (int(match["quarter"][1]) - 1) + 1
                start, end = date(year, first, 1), _month_end(year, first + 2)
            elif match["month"]:
                month = int(match["month"])
                start, end = date(year, month, 1), _month_end(year, month)
            else:
                start, end = date(year, 1, 1), date(year, 12, 31)
    except ValueError:
        raise error from None
    if end < start or (end - start).days > 366 * 10:
        raise error
    return Period(start=start, end=end, code=value)
