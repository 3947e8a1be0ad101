"""Periods: a year (``2026``), its halves (``2026-H1``), its quarters (``2026-Q3``) and ``2026-2030``."""

import re
from datetime import date

from django.utils.translation import gettext as _

from mttq_portal.errors import ApplicationError

from .models import Period, PeriodKind

FIRST_YEAR, LAST_YEAR = 2026, 2030
CUMULATIVE_CODE = f"{FIRST_YEAR}-{LAST_YEAR}"
_CODE = re.compile(r"^(?P<year>\d{4})(?:-(?P<part>[HQ])(?P<n>\d))?$")
_QUARTER_STARTS = {1: (1, 1), 2: (4, 1), 3: (7, 1), 4: (10, 1)}
_QUARTER_ENDS = {1: (3, 31), 2: (6, 30), 3: (9, 30), 4: (12, 31)}


def period_bounds(code: str) -> tuple[str, int, date, date]:
    """(kind, year, start, end) of a period code, or an ApplicationError in Vietnamese for a bad code."""
    if code == CUMULATIVE_CODE:
        return PeriodKind.CUMULATIVE, LAST_YEAR, date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31)
    match = _CODE.match(code or "")
    if not match:
        raise ApplicationError(
            _("“%(code)s” is not a period: write a year (2026), a half-year (2026-H1) or a quarter (2026-Q3).")
            % {"code": code},
            code="invalid_period",
        )
    year = int(match["year"])
    if not 2000 <= year <= 2100:
        raise ApplicationError(_("The year %(year)s is out of range.") % {"year": year}, code="invalid_period")
    part, n = match["part"], int(match["n"] or 0)
    if part is None:
        return PeriodKind.YEAR, year, date(year, 1, 1), date(year, 12, 31)
    if part == "H" and n in (1, 2):
        return PeriodKind.HALF, year, date(year, 1 if n == 1 else 7, 1), date(year, 6 if n == 1 else 12, 30 + (n == 2))
    if part == "Q" and n in _QUARTER_STARTS:
        return (
            PeriodKind.QUARTER,
            year,
            date(year, *_QUARTER_STARTS[n]),
            date(year, *_QUARTER_ENDS[n]),
        )
    raise ApplicationError(
        _("“%(code)s” is not a period: write a year (2026), a half-year (2026-H1) or a quarter (2026-Q3).")
        % {"code": code},
        code="invalid_period",
    )


def period_ensure(code: str) -> Period:
    """The period with this code, created on first use (idempotent)."""
    kind, year, starts_on, ends_on = period_bounds(code)
    period, _created = Period.objects.get_or_create(
        code=code, defaults={"kind": kind, "year": year, "starts_on": starts_on, "ends_on": ends_on}
    )
    return period


def year_and_parts(year: int) -> list[str]:
    """The codes a yearly rollup writes: the year, its halves and its quarters."""
    return [str(year), f"{year}-H1", f"{year}-H2", *(f"{year}-Q{q}" for q in range(1, 5))]
