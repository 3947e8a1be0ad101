"""Reported indicators: an organisation submits numerator, denominator and evidence; the provincial Front
approves (the figures become the organisation's value) or returns it with a reason. Every change writes a
``ReportEvent`` row."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import TypedDict

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mttq_portal.errors import ApplicationError, ConflictError, NotAllowedError
from organizations.models import Organization, User
from organizations.selectors import AnyUser

from ..aggregation import province_reported_figure
from ..compliance import status_for, value_of
from ..evidence import MAX_EVIDENCE_FILES, evidence_check, evidence_content_file
from ..models import (
    Dimension,
    Indicator,
    IndicatorValue,
    Origin,
    Period,
    Report,
    ReportEvent,
    ReportEventKind,
    ReportEvidence,
    ReportStatus,
    Source,
)
from ..periods import period_bounds, period_ensure
from ..selectors import may_approve, may_report_for
from .values import indicator_values_upsert

MAX_COUNT = 10_000_000
MAX_REASON = 2000


def _count(value: object, *, field: str, label: str) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ApplicationError(
            _("%(label)s must be a whole number.") % {"label": label}, code="not_a_number", fields={field: []}
        ) from None
    if number < 0:
        raise ApplicationError(
            _("%(label)s cannot be negative.") % {"label": label}, code="negative_count", fields={field: []}
        )
    if number > MAX_COUNT:
        raise ApplicationError(
            _("%(label)s is too large.") % {"label": label}, code="count_too_large", fields={field: []}
        )
    return number


def report_submit(
    *,
    user: User,
    indicator_id: int,
    period_code: str,
    organization_id: int,
    numerator: int | str,
    denominator: int | str,
    note: str = "",
    evidence: Iterable[UploadedFile[bytes]] | None = (),
) -> Report:
    """Create or correct the organisation's report for the indicator and period; it waits for approval."""
    indicator, organization = _checked_scope(
        user=user, indicator_id=indicator_id, organization_id=organization_id, period_code=period_code
    )
    num, den = _checked_figures(numerator, denominator)
    files = list(evidence or ())
    if len(files) > MAX_EVIDENCE_FILES:
        raise ApplicationError(_("Attach at most 5 files."), code="too_many_files")
    checked = [(f.name or "", *evidence_check(f)) for f in files]  # an upload always has a name
    note = (note or "").strip()[:MAX_REASON]
    period = period_ensure(period_code)
    now = timezone.now()
    with transaction.atomic():
        report = (
            Report.objects.select_for_update()
            .filter(indicator=indicator, period=period, organization=organization)
            .first()
        )
        report, event_kind = _report_row(
            report,
            fields=_ReportKey(indicator=indicator, period=period, organization=organization),
            numerator=num,
            denominator=den,
            note=note,
            user=user,
            now=now,
            has_evidence=bool(checked),
        )
        for original_name, content, mime, extension in checked:
            stored, digest = evidence_content_file(content, extension)
            ReportEvidence.objects.create(
                report=report,
                file=stored,
                original_name=original_name[:255],
                content_type=mime,
                size=len(content),
                sha256=digest,
                uploaded_by=user,
            )
        ReportEvent.objects.create(
            report=report, kind=event_kind, actor=user, numerator=num, denominator=den, note=note
        )
    return report


def _checked_scope(
    *, user: AnyUser, indicator_id: int, organization_id: int, period_code: str
) -> tuple[Indicator, Organization]:
    """The reported indicator and the organisation the user may report for, in a period that has started."""
    indicator = Indicator.objects.select_related("target").filter(id=indicator_id).first()
    if indicator is None or indicator.source != Source.REPORTED:
        raise ApplicationError(_("This indicator is computed by the portal, not reported."), code="not_reported")
    organization = Organization.objects.filter(id=organization_id, is_active=True).first()
    if organization is None:
        raise ApplicationError(_("Choose an organisation."), code="organization_required")
    if not may_report_for(user=user, organization=organization):
        raise NotAllowedError(_("You may not report for this organisation."), code="not_your_organization")
    if indicator.organization_kinds and organization.kind not in indicator.organization_kinds:
        raise ApplicationError(
            _("“%(indicator)s” is not reported by this kind of organisation.") % {"indicator": indicator.code},
            code="organization_kind_not_in_scope",
        )
    kind, _year, starts_on, _ends_on = period_bounds(period_code)
    if kind != indicator.period_kind:
        raise ApplicationError(
            _("“%(indicator)s” is reported for a whole year.") % {"indicator": indicator.code},
            code="wrong_period_kind",
        )
    if starts_on > timezone.localdate():
        raise ApplicationError(
            _("The period %(period)s has not started: report for a closed or the current period.")
            % {"period": period_code},
            code="period_in_future",
        )
    return indicator, organization


def _checked_figures(numerator: int | str, denominator: int | str) -> tuple[int, int]:
    num = _count(numerator, field="numerator", label=_("The numerator"))
    den = _count(denominator, field="denominator", label=_("The denominator"))
    if den == 0:
        raise ApplicationError(
            _("The denominator must be more than 0."), code="zero_denominator", fields={"denominator": []}
        )
    if num > den:
        raise ApplicationError(
            _("The numerator (%(n)s) cannot be larger than the denominator (%(d)s).") % {"n": num, "d": den},
            code="numerator_above_denominator",
            fields={"numerator": []},
        )
    return num, den


class _ReportKey(TypedDict):
    """What identifies an organisation's report: one per indicator, period and organisation."""

    indicator: Indicator
    period: Period
    organization: Organization


def _report_row(
    report: Report | None,
    *,
    fields: _ReportKey,
    numerator: int,
    denominator: int,
    note: str,
    user: User,
    now: datetime,
    has_evidence: bool,
) -> tuple[Report, str]:
    """The new report (evidence required), or the existing one corrected and waiting again."""
    num, den = numerator, denominator
    if report is None:
        if not has_evidence:
            raise ApplicationError(
                _("Attach at least one evidence file (the decision, the minutes or the report)."),
                code="evidence_required",
                fields={"evidence": []},
            )
        report = Report.objects.create(
            **fields,
            numerator=num,
            denominator=den,
            note=note,
            submitted_by=user,
            submitted_at=now,
        )
        event_kind = ReportEventKind.SUBMITTED
    else:
        report.numerator, report.denominator, report.note = num, den, note
        report.status, report.return_reason = ReportStatus.SUBMITTED, ""
        report.submitted_by, report.submitted_at = user, now
        report.decided_by, report.decided_at = None, None
        report.save(
            update_fields=[
                "numerator",
                "denominator",
                "note",
                "status",
                "return_reason",
                "submitted_by",
                "submitted_at",
                "decided_by",
                "decided_at",
            ]
        )
        event_kind = ReportEventKind.RESUBMITTED
    return report, event_kind


def _locked_submitted(report_id: int, *, user: AnyUser) -> Report:
    if not may_approve(user=user):
        raise NotAllowedError(_("Only the provincial Front approves reported values."), code="not_approver")
    report = (
        Report.objects.select_for_update().select_related("indicator__target", "period").filter(id=report_id).first()
    )
    if report is None:
        raise ApplicationError(_("This report does not exist."), code="not_found")
    return report


def report_approve(*, user: User, report_id: int) -> Report:
    """The figures become the organisation's value for the period; the province's sum is refreshed."""
    with transaction.atomic():
        report = _locked_submitted(report_id, user=user)
        if report.status == ReportStatus.APPROVED:
            return report  # a double click
        if not report.awaits_decision:
            raise ConflictError(
                _("This report was returned; it can be approved once it is resubmitted."), code="report_not_waiting"
            )
        now = timezone.now()
        report.status, report.decided_by, report.decided_at = ReportStatus.APPROVED, user, now
        report.save(update_fields=["status", "decided_by", "decided_at"])
        ReportEvent.objects.create(
            report=report,
            kind=ReportEventKind.APPROVED,
            actor=user,
            numerator=report.numerator,
            denominator=report.denominator,
        )
        _write_value(
            report,
            dimension=Dimension.ORGANIZATION,
            key=report.organization_id,
            numerator=report.numerator,
            denominator=report.denominator,
            now=now,
        )
        figure = province_reported_figure(report.indicator, report.period)
        _write_value(
            report,
            dimension=Dimension.PROVINCE,
            key=0,
            numerator=figure.numerator,
            denominator=figure.denominator,
            now=now,
            details=figure.details,
            value=figure.value,
        )
    return report


def _write_value(
    report: Report,
    *,
    dimension: str,
    key: int,
    numerator: int,
    denominator: int,
    now: datetime,
    details: dict[str, object] | None = None,
    value: Decimal | None = None,
) -> None:
    from organizations.selectors import portal_province

    indicator, period = report.indicator, report.period
    value = value if value is not None else value_of(numerator, denominator)
    province = portal_province() if dimension == Dimension.PROVINCE else None
    row = IndicatorValue(
        indicator=indicator,
        period=period,
        dimension=dimension,
        key=key,
        organization_id=report.organization_id if dimension == Dimension.ORGANIZATION else None,
        unit_id=province.id if province else None,
        numerator=numerator,
        denominator=denominator,
        value=value,
        status=status_for(
            indicator=indicator,
            horizon=indicator.target.horizon,
            value=value,
            period_kind=period.kind,
            period_year=period.year,
            period_ends_on=period.ends_on,
            as_of=timezone.localdate(),
        ),
        origin=Origin.REPORTED,
        details=details or {},
        computed_at=now,
        reported_by_id=report.submitted_by_id if dimension == Dimension.ORGANIZATION else None,
        report=report if dimension == Dimension.ORGANIZATION else None,
    )
    indicator_values_upsert(values=[row])


def report_return(*, user: User, report_id: int, reason: str) -> Report:
    """Send the report back to the organisation with the reason; its earlier approved value, if any, stays."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Say why the report is returned."), code="reason_required", fields={"reason": []})
    if len(reason) > MAX_REASON:
        raise ApplicationError(_("The reason is too long (2,000 characters at most)."), code="reason_too_long")
    with transaction.atomic():
        report = _locked_submitted(report_id, user=user)
        if not report.awaits_decision:
            raise ConflictError(_("Only a report waiting for approval can be returned."), code="report_not_waiting")
        report.status, report.return_reason = ReportStatus.RETURNED, reason
        report.decided_by, report.decided_at = user, timezone.now()
        report.save(update_fields=["status", "return_reason", "decided_by", "decided_at"])
        ReportEvent.objects.create(
            report=report,
            kind=ReportEventKind.RETURNED,
            actor=user,
            numerator=report.numerator,
            denominator=report.denominator,
            note=reason,
        )
    return report
