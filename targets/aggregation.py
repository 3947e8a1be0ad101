"""How the province's value of a reported indicator is made from the organisations' approved values.

One function, used by the approval (``report_approve``) and by the rollup, so the two never disagree
(ADR 0144):
- most indicators: the sum of the numerators over the sum of the denominators;
- an indicator whose sentence counts organisations (A2 "100% Ủy ban MTTQ ... và các tổ chức chính trị - xã
  hội đẩy mạnh tuyên truyền", A4 "100% cấp ủy, tổ chức đảng, chính quyền, cơ quan, đơn vị", T4 "100% Ủy ban
  MTTQ các cấp ứng dụng công nghệ thông tin"): the organisations whose own value reaches the threshold over
  every active organisation of the listed kinds in the province (one that did not report has not reached it);
- T2.1 "bình quân hàng năm kết nạp 4%": the province's value of a year is the average of the yearly rates
  from the first year to that year, so one weak year does not miss a target stated as an average.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum

from organizations.models import Organization
from organizations.selectors import portal_province

from .compliance import value_of
from .models import Dimension, Indicator, IndicatorValue, Origin, Period, PeriodKind
from .periods import FIRST_YEAR

ORGANIZATION_SHARE = frozenset({"A2.1", "A4.1", "T4.1"})
PERIOD_AVERAGE = frozenset({"T2.1"})


@dataclass(frozen=True)
class ProvinceFigure:
    numerator: int
    denominator: int
    value: Decimal | None
    details: dict = field(default_factory=dict)


def _approved(indicator: Indicator):
    return IndicatorValue.objects.filter(indicator=indicator, dimension=Dimension.ORGANIZATION, origin=Origin.REPORTED)


def organizations_in_scope(indicator: Indicator) -> int:
    province = portal_province()
    if province is None:
        return 0
    return (
        Organization.objects.filter(kind__in=indicator.organization_kinds, is_active=True)
        .filter(Q(unit=province) | Q(unit__parent=province))
        .count()
    )


def province_reported_figure(indicator: Indicator, period: Period) -> ProvinceFigure:
    rows = list(_approved(indicator).filter(period=period).values_list("numerator", "denominator"))
    if indicator.code in ORGANIZATION_SHARE:
        reached = sum(1 for n, d in rows if (v := value_of(n, d)) is not None and indicator.is_met_by(v))
        in_scope = organizations_in_scope(indicator)
        return ProvinceFigure(
            reached,
            in_scope,
            value_of(reached, in_scope),
            {"organizations_reported": len(rows), "organizations_reached": reached, "organizations_in_scope": in_scope},
        )
    numerator, denominator = sum(n for n, _d in rows), sum(d for _n, d in rows)
    details = {"organizations": len(rows)}
    if indicator.code in PERIOD_AVERAGE and period.kind == PeriodKind.YEAR:
        yearly = (
            _approved(indicator)
            .filter(period__kind=PeriodKind.YEAR, period__year__gte=FIRST_YEAR, period__year__lte=period.year)
            .values("period__year")
            .annotate(n=Sum("numerator"), d=Sum("denominator"), orgs=Count("id"))
            .order_by("period__year")
        )
        rates = {row["period__year"]: value_of(row["n"], row["d"]) for row in yearly}
        rates = {year: rate for year, rate in rates.items() if rate is not None}
        average = (
            (sum(rates.values()) / len(rates)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if rates else None
        )
        details |= {
            "year_rate": str(value_of(numerator, denominator)) if denominator else None,
            "yearly_rates": {str(year): str(rate) for year, rate in rates.items()},
            "average_of_years": len(rates),
        }
        return ProvinceFigure(numerator, denominator, average, details)
    return ProvinceFigure(numerator, denominator, value_of(numerator, denominator), details)
