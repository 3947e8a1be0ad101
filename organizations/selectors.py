"""Reads of places, organisations and the access scope of a user.

Every later list (items, activities, values, reports) narrows its queryset with ``user_scope``; the
scope is computed once per user object and cached on it.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet

from mttq_portal.text import fold_vietnamese

from .models import AGENCY_KINDS, AdministrativeUnit, Level, Membership, Organization, Role, UnitKind


@dataclass(frozen=True)
class UserScope:
    """What a staff user may see.

    - ``is_admin``: everything (every access is logged by the callers that show personal data);
    - ``province_wide``: the provincial Front (sees and may take over every commune's items);
    - ``front_unit_ids``: communes where the user is a commune Front officer;
    - ``agency_ids``: organisations whose forwarded items the user answers;
    - ``is_board_viewer``: aggregates for the province, no citizen personal data;
    - ``organization_ids``: every organisation the user belongs to (for reporting on its behalf).
    """

    is_admin: bool = False
    province_wide: bool = False
    is_board_viewer: bool = False
    front_unit_ids: frozenset[int] = frozenset()
    agency_ids: frozenset[int] = frozenset()
    organization_ids: frozenset[int] = frozenset()

    @property
    def is_front_officer(self) -> bool:
        return self.province_wide or bool(self.front_unit_ids)

    @property
    def is_agency_officer(self) -> bool:
        return bool(self.agency_ids)

    @property
    def is_staff_member(self) -> bool:
        return self.is_admin or self.is_front_officer or self.is_agency_officer or self.is_board_viewer

    @property
    def sees_whole_province(self) -> bool:
        return self.is_admin or self.province_wide

    @property
    def sees_aggregates(self) -> bool:
        return self.is_admin or self.province_wide or self.is_board_viewer or bool(self.front_unit_ids)

    def sees_unit(self, unit_id: int) -> bool:
        return self.sees_whole_province or unit_id in self.front_unit_ids


EMPTY_SCOPE = UserScope()


def user_scope(*, user) -> UserScope:
    if user is None or not user.is_authenticated or not user.is_active:
        return EMPTY_SCOPE
    cached = getattr(user, "_mttq_scope", None)
    if cached is not None:
        return cached
    memberships = list(
        Membership.objects.filter(user=user, is_active=True, organization__is_active=True).select_related(
            "organization"
        )
    )
    is_admin = user.is_superuser or any(m.role == Role.ADMINISTRATOR for m in memberships)
    province_wide = any(m.role == Role.FRONT_OFFICER and m.organization.level == Level.PROVINCE for m in memberships)
    front_units = frozenset(
        m.organization.unit_id
        for m in memberships
        if m.role == Role.FRONT_OFFICER and m.organization.level == Level.COMMUNE
    )
    agencies = frozenset(m.organization_id for m in memberships if m.role == Role.AGENCY_OFFICER)
    scope = UserScope(
        is_admin=is_admin,
        province_wide=province_wide,
        is_board_viewer=any(m.role == Role.BOARD_VIEWER for m in memberships),
        front_unit_ids=front_units,
        agency_ids=agencies,
        organization_ids=frozenset(m.organization_id for m in memberships),
    )
    user._mttq_scope = scope
    return scope


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


def units_for_user(*, user) -> QuerySet[AdministrativeUnit]:
    """Communes the user works on: all of them for the province level, their own for a commune officer."""
    scope = user_scope(user=user)
    qs = commune_list()
    if scope.sees_whole_province or scope.is_board_viewer:
        return qs
    if scope.front_unit_ids:
        return qs.filter(id__in=scope.front_unit_ids)
    return qs.none()


def organizations_for_user(*, user) -> QuerySet[Organization]:
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
