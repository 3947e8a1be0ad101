"""Demo data of the targets app: reports for every reported indicator (most approved, some waiting, a few
returned), each with a small PDF as evidence, then a rollup of the years that have started."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from organizations.models import Organization
from organizations.selectors import portal_province

from .evidence import evidence_content_file
from .models import (
    Report,
    ReportEvent,
    ReportEventKind,
    ReportEvidence,
    ReportStatus,
    RollupTrigger,
)
from .periods import FIRST_YEAR, period_ensure
from .selectors import reportable_indicators
from .services.reports import _write_value
from .services.rollup import rollup_compliance

MAX_ORGANIZATIONS_PER_INDICATOR = 12
PDF = b"%PDF-1.4\n% demo evidence\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _demo_user():
    user, _created = get_user_model().objects.get_or_create(
        username="du-lieu-mau", defaults={"is_active": False, "first_name": "Dữ liệu mẫu"}
    )
    return user


@transaction.atomic
def _reports(*, rng, year: int, user) -> tuple[int, int]:
    province = portal_province()
    period = period_ensure(str(year))
    now = timezone.now()
    created = approved = 0
    for indicator in reportable_indicators():
        organizations = list(
            Organization.objects.filter(is_active=True, kind__in=indicator.organization_kinds)
            .filter(Q(unit=province) | Q(unit__parent=province))
            .order_by("id")
            .values_list("id", flat=True)
        )
        rng.shuffle(organizations)
        for organization_id in organizations[:MAX_ORGANIZATIONS_PER_INDICATOR]:
            if Report.objects.filter(indicator=indicator, period=period, organization_id=organization_id).exists():
                continue
            denominator = rng.randint(8, 60)
            share = rng.uniform(0.03, 0.08) if indicator.code == "T2.1" else rng.uniform(0.75, 1.0)
            numerator = min(denominator, round(denominator * share))
            roll = rng.random()
            status = (
                ReportStatus.APPROVED
                if roll < 0.8
                else ReportStatus.SUBMITTED
                if roll < 0.95
                else ReportStatus.RETURNED
            )
            report = Report.objects.create(
                indicator=indicator,
                period=period,
                organization_id=organization_id,
                numerator=numerator,
                denominator=denominator,
                note="Dữ liệu mẫu",
                status=status,
                return_reason="Thiếu biên bản đánh giá" if status == ReportStatus.RETURNED else "",
                submitted_by=user,
                submitted_at=now,
                decided_by=user if status != ReportStatus.SUBMITTED else None,
                decided_at=now if status != ReportStatus.SUBMITTED else None,
            )
            stored, digest = evidence_content_file(PDF, "pdf")
            ReportEvidence.objects.create(
                report=report,
                file=stored,
                original_name="bien-ban-danh-gia.pdf",
                content_type="application/pdf",
                size=len(PDF),
                sha256=digest,
                uploaded_by=user,
            )
            ReportEvent.objects.create(
                report=report, kind=ReportEventKind.SUBMITTED, actor=user, numerator=numerator, denominator=denominator
            )
            if status != ReportStatus.SUBMITTED:
                kind = ReportEventKind.APPROVED if status == ReportStatus.APPROVED else ReportEventKind.RETURNED
                ReportEvent.objects.create(
                    report=report,
                    kind=kind,
                    actor=user,
                    numerator=numerator,
                    denominator=denominator,
                    note=report.return_reason,
                )
            if status == ReportStatus.APPROVED:
                report.indicator = indicator
                report.period = period
                _write_value(
                    report,
                    dimension="organization",
                    key=organization_id,
                    numerator=numerator,
                    denominator=denominator,
                    now=now,
                )
                approved += 1
            created += 1
    return created, approved


def generate_demo_data(*, rng, stdout, scale) -> None:
    if portal_province() is None or not reportable_indicators().exists():
        stdout.write("  targets: nothing to do (seed the reference data first)")
        return
    user = _demo_user()
    today = timezone.localdate()
    years = [y for y in (today.year - 1, today.year) if y >= FIRST_YEAR]
    for year in years:
        created, approved = _reports(rng=rng, year=year, user=user)
        run = rollup_compliance(year=year, trigger=RollupTrigger.DEMO)
        stdout.write(
            f"  targets {year}: {created} reports ({approved} approved), "
            f"rollup {run.rows} values in {run.duration_ms} ms"
        )
