"""Reported indicators: submit with evidence, approve or return; bad inputs; who may do what."""

from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from mttq_portal.errors import ApplicationError, ConflictError, NotAllowedError
from targets.models import Dimension, Indicator, IndicatorValue, ReportEvent, ReportStatus, ValueStatus
from targets.services.reports import report_approve, report_return, report_submit
from tests.pdfs import one_page_pdf

PDF = one_page_pdf()  # a real PDF: a fake one is refused by the upload checker


def pdf(name="bien-ban.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture(autouse=True)
def _mid_2026():
    with time_machine.travel(date(2026, 7, 1), tick=False):
        yield


@pytest.fixture
def a3_1(targets_seeded):
    return Indicator.objects.get(code="A3.1")


def submit(user, org, indicator, numerator=9, denominator=10, period="2026", evidence=None, **kw):
    return report_submit(
        user=user,
        indicator_id=indicator.id,
        period_code=period,
        organization_id=org.id,
        numerator=numerator,
        denominator=denominator,
        evidence=[pdf()] if evidence is None else evidence,
        **kw,
    )


@pytest.mark.django_db
def test_report_is_approved_and_becomes_the_organisations_value(a3_1, officer_a, front_a, province_officer):
    # given a commune Front officer reports 9 of 10 organisations rated good
    report = submit(officer_a, front_a, a3_1, note="Theo kết quả đánh giá cuối năm")
    assert report.status == ReportStatus.SUBMITTED
    assert report.evidence.count() == 1
    assert report.evidence.get().content_type == "application/pdf"

    # when the provincial Front approves it
    report_approve(user=province_officer, report_id=report.id)

    # then the organisation and the province have the value, with its evidence and who reported it
    value = IndicatorValue.objects.get(indicator=a3_1, period__code="2026", dimension=Dimension.ORGANIZATION)
    assert (value.numerator, value.denominator, str(value.value)) == (9, 10, "90.00")
    assert value.status == ValueStatus.AT_RISK  # 2026 is not over and "= 100%" is not reached
    assert value.reported_by == officer_a
    assert value.report == report
    assert value.origin == "reported"
    province = IndicatorValue.objects.get(indicator=a3_1, period__code="2026", dimension=Dimension.PROVINCE)
    assert (province.numerator, province.denominator) == (9, 10)
    assert list(ReportEvent.objects.filter(report=report).values_list("kind", flat=True)) == ["submitted", "approved"]


@pytest.mark.django_db
def test_returned_report_is_corrected_and_resubmitted(a3_1, officer_a, front_a, province_officer):
    report = submit(officer_a, front_a, a3_1)

    report_return(user=province_officer, report_id=report.id, reason="Thiếu biên bản họp đánh giá")
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    assert report.return_reason == "Thiếu biên bản họp đánh giá"
    with pytest.raises(ConflictError):
        report_approve(user=province_officer, report_id=report.id)

    # a correction needs no new file (the first one stays) and waits again
    again = submit(officer_a, front_a, a3_1, numerator=10, evidence=[])
    assert again.id == report.id
    assert again.status == ReportStatus.SUBMITTED
    assert again.numerator == 10
    report_approve(user=province_officer, report_id=report.id)
    kinds = list(ReportEvent.objects.filter(report=report).values_list("kind", flat=True))
    assert kinds == ["submitted", "returned", "resubmitted", "approved"]


@pytest.mark.parametrize(
    ("numerator", "denominator", "period", "code"),
    [
        (11, 10, "2026", "numerator_above_denominator"),
        (-1, 10, "2026", "negative_count"),
        (1, -10, "2026", "negative_count"),
        ("chín", 10, "2026", "not_a_number"),
        (0, 0, "2026", "zero_denominator"),
        (1, 10, "2027", "period_in_future"),
        (1, 10, "2026-Q1", "wrong_period_kind"),
        (1, 10, "năm nay", "invalid_period"),
    ],
)
@pytest.mark.django_db
def test_bad_figures_are_refused_with_a_vietnamese_message(
    a3_1, officer_a, front_a, numerator, denominator, period, code
):
    with pytest.raises(ApplicationError) as refused:
        submit(officer_a, front_a, a3_1, numerator=numerator, denominator=denominator, period=period)

    assert refused.value.code == code
    assert refused.value.message  # translated; the catalogue test checks every string has Vietnamese


@pytest.mark.django_db
def test_evidence_is_required_and_checked_from_its_content(a3_1, officer_a, front_a):
    with pytest.raises(ApplicationError) as missing:
        submit(officer_a, front_a, a3_1, evidence=[])
    assert missing.value.code == "evidence_required"

    disguised = SimpleUploadedFile("bien-ban.pdf", b"MZ\x90\x00 this is a program", content_type="application/pdf")
    with pytest.raises(ApplicationError) as wrong:
        submit(officer_a, front_a, a3_1, evidence=[disguised])
    assert wrong.value.code == "evidence_type_not_allowed"


@pytest.mark.django_db
def test_computed_indicator_and_wrong_organisation_kind_are_refused(targets_seeded, officer_a, front_a, agency_a):
    with pytest.raises(ApplicationError) as computed:
        submit(officer_a, front_a, Indicator.objects.get(code="A1.1"))
    assert computed.value.code == "not_reported"
    with pytest.raises(ApplicationError) as kind:
        submit(officer_a, agency_a, Indicator.objects.get(code="A3.1"))  # a People's Committee is not rated in A3
    assert kind.value.code == "organization_kind_not_in_scope"


@pytest.mark.django_db
def test_an_officer_of_another_commune_cannot_report_or_approve(
    a3_1, officer_a, officer_b, front_a, board_viewer, agency_officer_a
):
    # given officer B works in another commune
    with pytest.raises(NotAllowedError):
        submit(officer_b, front_a, a3_1)
    report = submit(officer_a, front_a, a3_1)

    # only the provincial Front approves or returns: not the commune officer, another commune, the board, an agency
    for user in (officer_a, officer_b, board_viewer, agency_officer_a):
        with pytest.raises(NotAllowedError):
            report_approve(user=user, report_id=report.id)
        with pytest.raises(NotAllowedError):
            report_return(user=user, report_id=report.id, reason="Không đạt")
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


@pytest.mark.django_db
def test_return_needs_a_reason(a3_1, officer_a, front_a, province_officer):
    report = submit(officer_a, front_a, a3_1)
    with pytest.raises(ApplicationError) as refused:
        report_return(user=province_officer, report_id=report.id, reason="  ")
    assert refused.value.code == "reason_required"
