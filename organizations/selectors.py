"""Reads of places, organisations and the access scope of a user.

Every later list (items, activities, values, reports) narrows its queryset with ``user_scope``
(``organizations.scope``, re-exported here); the scope is computed once per user object and cached on it.
"""

from django.conf import settings
from django.db.models import Q, QuerySet

from mttq_portal.text import fold_vietnamese

from .models import AGENCY_KINDS, AdministrativeUnit, Level, Membership, Organization, UnitKind

# Re-exported: callers import them from here.
from .scope import EMPTY_SCOPE as EMPTY_SCOPE
from .scope import AnyUser as AnyUser
from .scope import UserScope as UserScope
from .scope import user_scope as user_scope


def may_export_personal_data(*, user: AnyUser) -> bool:
    """The Front (commune or province) and administrators; not agencies (they see only what they need,
    never a denouncer) and not the board (aggregates only)."""
    scope = user_scope(user=user)
    return scope.is_admin or scope.is_front_officer


def mfa_required_for(*, user: AnyUser) -> bool:
    """A second factor is required of administrators, provincial roles and anyone who may export personal
    data (ADR 0121); optional for the others."""
    if not user.is_authenticated or user.pk is None:
        return False
    if user.is_service_account:
        return False  # an API token's identity never logs in
    scope = user_scope(user=user)
    if scope.is_admin or scope.province_wide or scope.is_board_viewer or may_export_personal_data(user=user):
        return True
    return Membership.objects.filter(
        user=user, is_active=True, organization__is_active=True, organization__level=Level.PROVINCE
    ).exists()


def portal_province() -> AdministrativeUnit | None:
    return AdministrativeUnit.objects.filter(code=settings.PORTAL_PROVINCE_CODE, parent__isnull=True).first()


def commune_list() -> QuerySet[AdministrativeUnit]:
    """The communes, wards and special zones of the portal's province (public)."""
    return AdministrativeUnit.objects.filter(parent__code=settings.PORTAL_PROVINCE_CODE).exclude(
        kind__in=[UnitKind.PROVINCE, UnitKind.CITY]
    )


def commune_search(*, query: str) -> QuerySet[AdministrativeUnit]:
    folded = fold_vietnamese(query)
    qs = commune_list()
    return qs.filter(name_folded__contains=folded) if folded else qs


def units_for_user(*, user: AnyUser) -> QuerySet[AdministrativeUnit]:
    """Communes the user works on: all of them for the province level, their own for a commune officer."""
    scope = user_scope(user=user)
    qs = commune_list()
    if scope.sees_whole_province or scope.is_board_viewer:
        return qs
    if scope.front_unit_ids:
        return qs.filter(id__in=scope.front_unit_ids)
    return qs.none()


def organizations_for_user(*, user: AnyUser) -> QuerySet[Organization]:
    """Organisations whose records the user may see: every one at province level, else those of their commune
    and the ones they belong to."""
    scope = user_scope(user=user)
    qs = Organization.objects.filter(is_active=True).select_related("unit")
    if scope.sees_whole_province or scope.is_board_viewer:
        return qs
    if not scope.is_staff_member:
        return qs.none()
    return qs.filter(Q(unit_id__in=scope.front_unit_ids) | Q(id__in=scope.organization_ids))


def agency_list() -> QuerySet[Organization]:
    """Every body an item may be forwarded to (the one focal point)."""
    code = settings.PORTAL_PROVINCE_CODE
    return Organization.objects.filter(is_active=True, kind__in=AGENCY_KINDS).filter(
        Q(unit__code=code) | Q(unit__parent__code=code)
    )
