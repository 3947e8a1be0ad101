"""Pure rules: a value from numerator and denominator, and its status. No database here."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from .models import Horizon, PeriodKind, ValueStatus

LAST_YEAR = 2030


def value_of(numerator: int, denominator: int) -> Decimal | None:
    """The share in percent with two decimals; None when there is nothing to measure."""
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def status_for(
    *,
    indicator,
    horizon: str,
    value: Decimal | None,
    period_kind: str,
    period_year: int,
    period_ends_on: date,
    as_of: date,
) -> str:
    """Met when the threshold is reached. Otherwise at risk while there is still time (the period is not over,
    or a 2030 target before its last year), missed once the period is over (ADR 0072)."""
    if value is None:
        return ValueStatus.NO_DATA
    if indicator.is_met_by(value):
        return ValueStatus.MET
    if period_ends_on >= as_of:
        return ValueStatus.AT_RISK
    if horizon == Horizon.BY_2030 and period_kind != PeriodKind.CUMULATIVE and period_year < LAST_YEAR:
        return ValueStatus.AT_RISK
    return ValueStatus.MISSED
