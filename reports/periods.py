"""The reporting periods people ask for (a year, a half-year, a quarter, a month or a range of days), parsed by
the project's one period parser (``mttq_portal/periods.py``: half-open ``[start, end)``)."""

from datetime import date

from django.utils import timezone

from mttq_portal.periods import Period, PeriodForm
from mttq_portal.periods import period_parse as parse

__all__ = ["Period", "period_parse"]

REPORT_FORMS = frozenset({PeriodForm.YEAR, PeriodForm.HALF, PeriodForm.QUARTER, PeriodForm.MONTH, PeriodForm.RANGE})


def period_parse(value: str | None, *, today: date | None = None) -> Period:
    """The period a report asks for; empty: this year."""
    return parse(value or str((today or timezone.localdate()).year), forms=REPORT_FORMS)
