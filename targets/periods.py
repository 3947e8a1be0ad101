"""Target periods: a year (``2026``), its halves (``2026-H1``), its quarters (``2026-Q3``) and the resolution's
term ``2026-2030``, parsed by the project's one period parser (``mttq_portal/periods.py``)."""

from datetime import date

from mttq_portal.periods import TERM_CODE, TERM_FIRST_YEAR, TERM_LAST_YEAR, PeriodForm, period_parse

from .models import Period, PeriodKind

FIRST_YEAR, LAST_YEAR = TERM_FIRST_YEAR, TERM_LAST_YEAR
CUMULATIVE_CODE = TERM_CODE
_KINDS = {
    PeriodForm.YEAR: PeriodKind.YEAR,
    PeriodForm.HALF: PeriodKind.HALF,
    PeriodForm.QUARTER: PeriodKind.QUARTER,
    PeriodForm.TERM: PeriodKind.CUMULATIVE,
}


def period_bounds(code: str) -> tuple[str, int, date, date]:
    """(kind, year, first day, last day) of a period code, or an ApplicationError in Vietnamese for a bad code.
    The last day is what ``Period.ends_on`` stores."""
    period = period_parse(code, forms=frozenset(_KINDS))
    return _KINDS[period.form], period.year, period.start, period.last_day


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
