"""Reads of targets, values and reports, scoped through ``organizations.selectors.user_scope``."""

from django.db.models import Prefetch, Q, QuerySet

from mttq_portal.ordering import vietnamese_order
from organizations.models import Level, Organization
from organizations.selectors import AnyUser, user_scope

from .models import Dimension, Indicator, IndicatorValue, Report, ReportStatus, RollupRun, Source, Target


def may_report_for(*, user: AnyUser, organization: Organization) -> bool:
    """Members of the organisation, the Front officers of its commune, the provincial Front and admins."""
    scope = user_scope(user=user)
    if scope.is_admin or scope.province_wide:
        return True
    if organization.id in scope.organization_ids:
        return True
    return organization.level == Level.COMMUNE and organization.unit_id in scope.front_unit_ids


def may_approve(*, user: AnyUser) -> bool:
    """Only the provincial Front (and administrators) approve reported values."""
    scope = user_scope(user=user)
    return scope.province_wide or scope.is_admin


def may_run_rollup(*, user: AnyUser) -> bool:
    return may_approve(user=user)


def targets_with_indicators() -> QuerySet[Target]:
    return Target.objects.prefetch_related(
        Prefetch("indicators", queryset=Indicator.objects.order_by("order"))
    ).order_by("order")


def target_get(*, code: str) -> Target | None:
    return targets_with_indicators().filter(code=code.upper()).first()


def reportable_indicators() -> QuerySet[Indicator]:
    return Indicator.objects.filter(source=Source.REPORTED).select_related("target").order_by("target__order", "order")


def organizations_user_may_report_for(*, user: AnyUser) -> QuerySet[Organization]:
    scope = user_scope(user=user)
    qs = Organization.objects.filter(is_active=True).select_related("unit")
    if scope.is_admin or scope.province_wide:
        return qs.order_by("level", *vietnamese_order("name"))
    if not scope.is_staff_member:
        return qs.none()
    return qs.filter(
        Q(id__in=scope.organization_ids) | Q(level=Level.COMMUNE, unit_id__in=scope.front_unit_ids)
    ).order_by("level", *vietnamese_order("name"))


def values_for_user(*, user: AnyUser) -> QuerySet[IndicatorValue]:
    """Values are aggregates (no personal data): the provincial Front, the board, admins and commune Front
    officers see them all; an agency officer sees the province's figures and those of their agencies."""
    scope = user_scope(user=user)
    qs = IndicatorValue.objects.select_related("indicator__target", "period", "unit", "organization", "category")
    if scope.sees_aggregates:
        return qs
    if scope.is_agency_officer or scope.organization_ids:
        return qs.filter(
            Q(dimension=Dimension.PROVINCE) | Q(organization_id__in=scope.agency_ids | scope.organization_ids)
        )
    return qs.none()


def reports_for_user(*, user: AnyUser) -> QuerySet[Report]:
    scope = user_scope(user=user)
    qs = Report.objects.select_related(
        "indicator__target", "period", "organization__unit", "submitted_by", "decided_by"
    ).prefetch_related("evidence")
    if scope.is_admin or scope.province_wide:
        return qs
    if not scope.is_staff_member:
        return qs.none()
    return qs.filter(
        Q(organization_id__in=scope.organization_ids)
        | Q(organization__level=Level.COMMUNE, organization__unit_id__in=scope.front_unit_ids)
    )


def report_get_for_user(*, user: AnyUser, report_id: int) -> Report | None:
    return reports_for_user(user=user).filter(id=report_id).first()


def approval_queue(*, user: AnyUser) -> QuerySet[Report]:
    if not may_approve(user=user):
        return Report.objects.none()
    return reports_for_user(user=user).filter(status=ReportStatus.SUBMITTED).order_by("submitted_at", "id")


def latest_runs(limit: int = 5) -> list[RollupRun]:
    return list(RollupRun.objects.select_related("requested_by")[:limit])
