"""A2, A4, T2.1 and T4 counted as their sentences say, against hand counts.

- A2 "100% Ủy ban MTTQ ... và các tổ chức chính trị - xã hội đẩy mạnh tuyên truyền": a share of organisations
  (not of programmes); an organisation that did not report has not done it.
- A4 "100% cấp ủy, tổ chức đảng, chính quyền, cơ quan, đơn vị": departments and sector bodies count.
- T2.1 "bình quân hàng năm kết nạp 4%": the average of the yearly rates so far, not a yearly floor.
- T4 "100% Ủy ban MTTQ các cấp ứng dụng công nghệ thông tin trong quản lý, điều hành, tiếp nhận": reported by
  each Front committee (three uses); the portal's own use figure is evidence, not the target.
"""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from organizations.models import Level, OrganizationKind
from targets.models import Dimension, Indicator, IndicatorRole, IndicatorValue, ValueStatus
from targets.services.reports import report_approve, report_submit
from targets.services.rollup import rollup_compliance
from tests.factories import OrganizationFactory
from tests.pdfs import one_page_pdf

PDF = one_page_pdf()  # a real PDF: a fake one is refused by the upload checker
K = OrganizationKind


def _report(user, org, code, numerator, denominator, period="2026"):
    indicator = Indicator.objects.get(code=code)
    report = report_submit(
        user=user,
        indicator_id=indicator.id,
        period_code=period,
        organization_id=org.id,
        numerator=numerator,
        denominator=denominator,
        evidence=[SimpleUploadedFile("bien-ban.pdf", PDF, content_type="application/pdf")],
    )
    report_approve(user=user, report_id=report.id)


def _province(code, period="2026"):
    return IndicatorValue.objects.get(indicator__code=code, period__code=period, dimension=Dimension.PROVINCE, key=0)


@pytest.fixture
def mid_2026():
    with time_machine.travel(date(2026, 7, 1), tick=False):
        yield


@pytest.mark.django_db
def test_a2_is_the_share_of_organisations(
    targets_seeded, mid_2026, province, province_front, front_a, front_b, province_officer, commune_a
):
    # given the organisations A2 covers: 3 Front committees (province, A, B), the provincial Women's Union and
    # commune A's Youth Union = 5; a mass association and a party committee are not in A2's sentence
    women = OrganizationFactory(kind=K.WOMENS_UNION, level=Level.PROVINCE, unit=province)
    OrganizationFactory(kind=K.YOUTH_UNION, level=Level.COMMUNE, unit=commune_a)
    OrganizationFactory(kind=K.MASS_ASSOCIATION, level=Level.PROVINCE, unit=province)
    OrganizationFactory(kind=K.PARTY_COMMITTEE, level=Level.PROVINCE, unit=province)
    # when the provincial Front and commune A's Front report "done" (1/1) and the Women's Union "not yet" (0/1)
    _report(province_officer, province_front, "A2.1", 1, 1)
    _report(province_officer, front_a, "A2.1", 1, 1)
    _report(province_officer, women, "A2.1", 0, 1)
    # then the province's value is 2 organisations of 5 = 40% (front B and the Youth Union did not report)
    value = _province("A2.1")
    assert (value.numerator, value.denominator, value.value) == (2, 5, Decimal("40.00"))
    assert value.details == {"organizations_reported": 3, "organizations_reached": 2, "organizations_in_scope": 5}
    # and the rollup writes the same figure
    rollup_compliance(year=2026, as_of=date(2026, 7, 1))
    assert (_province("A2.1").numerator, _province("A2.1").denominator) == (2, 5)


@pytest.mark.django_db
def test_a4_counts_departments_and_sector_bodies(
    targets_seeded, mid_2026, province, province_front, agency_a, agency_b, province_officer
):
    # given the bodies of A4: the provincial party committee, a department, the provincial police (a sector
    # body), the people's committees of A and B, the provincial Front = 6
    OrganizationFactory(kind=K.PARTY_COMMITTEE, level=Level.PROVINCE, unit=province, name="Tỉnh ủy")
    health = OrganizationFactory(kind=K.DEPARTMENT, level=Level.PROVINCE, unit=province, name="Sở Y tế")
    police = OrganizationFactory(kind=K.SECTOR_BODY, level=Level.PROVINCE, unit=province, name="Công an tỉnh")
    # when the department and the police report the movement run (1/1) and commune A's committee not yet (0/1)
    _report(province_officer, health, "A4.1", 1, 1)
    _report(province_officer, police, "A4.1", 1, 1)
    _report(province_officer, agency_a, "A4.1", 0, 1)
    rollup_compliance(year=2026, as_of=date(2026, 7, 1))
    # then 2 of 6 = 33.33%
    value = _province("A4.1")
    assert (value.numerator, value.denominator, value.value) == (2, 6, Decimal("33.33"))


@pytest.mark.django_db
def test_t2_1_is_the_average_of_the_yearly_rates(targets_seeded, province, province_officer):
    party = OrganizationFactory(kind=K.PARTY_COMMITTEE, level=Level.PROVINCE, unit=province, name="Tỉnh ủy")
    with time_machine.travel(date(2028, 1, 15), tick=False):
        # given 30 new members over 1,000 at the start of 2026 (3%) and 50 over 1,000 in 2027 (5%)
        _report(province_officer, party, "T2.1", 30, 1000, period="2026")
        _report(province_officer, party, "T2.1", 50, 1000, period="2027")
        rollup_compliance(year=2026, as_of=date(2028, 1, 15))
        rollup_compliance(year=2027, as_of=date(2028, 1, 15))
    # then 2026 alone averages 3% (below 4%: still time, the target is for the period)
    y2026 = _province("T2.1", "2026")
    assert (y2026.value, y2026.status) == (Decimal("3.00"), ValueStatus.AT_RISK)
    # and by 2027 the average of 3% and 5% is 4%: met, although 2026 alone was below 4%
    y2027 = _province("T2.1", "2027")
    assert (y2027.numerator, y2027.denominator) == (50, 1000)  # the year's own figures
    assert (y2027.value, y2027.status) == (Decimal("4.00"), ValueStatus.MET)
    assert y2027.details["yearly_rates"] == {"2026": "3.00", "2027": "5.00"}


@pytest.mark.django_db
def test_t4_is_reported_by_each_front_committee(
    targets_seeded, mid_2026, province_front, front_a, front_b, province_officer
):
    # given 3 Front committees; the province's uses IT for all three (3/3), commune A for two (2/3), B nothing
    _report(province_officer, province_front, "T4.1", 3, 3)
    _report(province_officer, front_a, "T4.1", 2, 3)
    rollup_compliance(year=2026, as_of=date(2026, 7, 1))
    # then 1 committee of 3 reaches the target: 33.33%
    value = _province("T4.1")
    assert (value.numerator, value.denominator, value.value) == (1, 3, Decimal("33.33"))
    # and the portal's own use is evidence beside it, not the target's headline
    assert Indicator.objects.get(code="T4.1").is_headline
    assert Indicator.objects.get(code="T4.2").role == IndicatorRole.PORTAL_OWN
