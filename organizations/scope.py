"""THE access scope, both directions (ADR 0111).

- Forward: ``user_scope(user=...)`` says what an actor (an officer, or an organisation's service account acting
  for an API token) may see; the selectors of every app turn it into a WHERE clause.
- Reverse: ``item_viewers_sql`` says which people may see an item; notification audiences are subsets of it,
  so no one is told about an item they cannot open.
- Which role an organisation can hold: ``ROLE_KINDS`` (a validated table; the admin form and
  ``manage.py check_memberships`` use it, and a membership that breaks it grants nothing).
"""

from dataclasses import dataclass

from django.db.models import Q

from .models import AGENCY_KINDS, SOCIO_POLITICAL_KINDS, Level, Membership, Organization, OrganizationKind, Role

FRONT_KINDS = frozenset({OrganizationKind.FRONT_COMMITTEE, OrganizationKind.FRONT_STANDING_BOARD})
BOARD_KINDS = frozenset(
    {OrganizationKind.PROPAGANDA_COMMISSION, OrganizationKind.PARTY_COMMITTEE, OrganizationKind.PEOPLES_COUNCIL}
)
REPORTING_KINDS = SOCIO_POLITICAL_KINDS | {
    OrganizationKind.MASS_ASSOCIATION,
    OrganizationKind.PEOPLES_INSPECTION_BOARD,
    OrganizationKind.COMMUNITY_INVESTMENT_BOARD,
}


@dataclass(frozen=True)
class RoleRule:
    kinds: frozenset[str]
    levels: frozenset[str] = frozenset({Level.PROVINCE, Level.COMMUNE})


# Which organisations can hold a role. A Front officer works for a Front committee (a "Front officer" at a
# provincial department would otherwise read the whole province); the board is provincial.
ROLE_KINDS: dict[str, RoleRule] = {
    Role.FRONT_OFFICER: RoleRule(FRONT_KINDS),
    Role.AGENCY_OFFICER: RoleRule(AGENCY_KINDS),
    Role.BOARD_VIEWER: RoleRule(BOARD_KINDS, frozenset({Level.PROVINCE})),
    Role.ORGANIZATION_OFFICER: RoleRule(REPORTING_KINDS),
    Role.ADMINISTRATOR: RoleRule(FRONT_KINDS),
}


def role_allowed(*, role: str, kind: str, level: str) -> bool:
    rule = ROLE_KINDS.get(role)
    return rule is not None and kind in rule.kinds and level in rule.levels


def membership_rule_error(*, role: str, organization: Organization) -> str:
    """Why the organisation cannot hold the role, or "" when it can (the admin form's message)."""
    from django.utils.translation import gettext as _

    if role_allowed(role=role, kind=organization.kind, level=organization.level):
        return ""
    return _("“%(org)s” (%(kind)s, %(level)s) cannot hold the role “%(role)s”.") % {
        "org": organization.name,
        "kind": organization.get_kind_display(),
        "level": organization.get_level_display(),
        "role": Role(role).label if role in Role.values else role,
    }


def valid_membership_q(prefix: str = "") -> Q:
    """The memberships whose role their organisation can hold (``prefix`` to use it through a relation)."""
    q = Q(pk__in=[])
    for role, rule in ROLE_KINDS.items():
        q |= Q(
            **{
                f"{prefix}role": role,
                f"{prefix}organization__kind__in": sorted(rule.kinds),
                f"{prefix}organization__level__in": sorted(rule.levels),
            }
        )
    return q


def memberships_breaking_rules():
    """Active memberships whose role their organisation cannot hold (``manage.py check_memberships``)."""
    return (
        Membership.objects.filter(is_active=True)
        .exclude(valid_membership_q())
        .select_related("user", "organization")
        .order_by("organization__name", "user__username")
    )


def service_account_roles(organization: Organization) -> list[str]:
    """The roles an organisation's service account holds: every role the organisation can hold but the
    administrator's (a token never sees more than its organisation)."""
    return [
        role
        for role in (Role.FRONT_OFFICER, Role.AGENCY_OFFICER, Role.BOARD_VIEWER, Role.ORGANIZATION_OFFICER)
        if role_allowed(role=role, kind=organization.kind, level=organization.level)
    ]


@dataclass(frozen=True)
class UserScope:
    """What an actor may see.

    - ``is_admin``: everything (every access is logged by the callers that show personal data);
    - ``province_wide``: the provincial Front (sees and may take over every commune's items);
    - ``front_unit_ids``: communes where the user is a commune Front officer;
    - ``agency_ids``: organisations whose forwarded items the user answers; they also see (without moving)
      the items of the agencies they are the superior of (``Organization.parent``), to chase them;
    - ``is_board_viewer``: aggregates for the province, no citizen personal data;
    - ``organization_ids``: every organisation the user belongs to (for reporting on its behalf);
    - ``is_service_account``: an API token's actor, which never sees a submitter's identity.
    """

    is_admin: bool = False
    province_wide: bool = False
    is_board_viewer: bool = False
    front_unit_ids: frozenset[int] = frozenset()
    agency_ids: frozenset[int] = frozenset()
    organization_ids: frozenset[int] = frozenset()
    is_service_account: bool = False

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
    """The scope of an actor, computed once per user object. Only memberships whose role the organisation can
    hold count (``ROLE_KINDS``)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return EMPTY_SCOPE
    cached = getattr(user, "_mttq_scope", None)
    if cached is not None:
        return cached
    memberships = [
        m
        for m in Membership.objects.filter(user=user, is_active=True, organization__is_active=True).select_related(
            "organization"
        )
        if role_allowed(role=m.role, kind=m.organization.kind, level=m.organization.level)
    ]
    front = [m.organization for m in memberships if m.role == Role.FRONT_OFFICER]
    agencies = frozenset(m.organization_id for m in memberships if m.role == Role.AGENCY_OFFICER)
    is_service_account = bool(getattr(user, "is_service_account", False))
    scope = UserScope(
        is_admin=not is_service_account
        and (user.is_superuser or any(m.role == Role.ADMINISTRATOR for m in memberships)),
        province_wide=any(org.level == Level.PROVINCE for org in front),
        is_board_viewer=any(m.role == Role.BOARD_VIEWER for m in memberships),
        front_unit_ids=frozenset(org.unit_id for org in front if org.level == Level.COMMUNE),
        agency_ids=agencies,
        organization_ids=frozenset(m.organization_id for m in memberships),
        is_service_account=is_service_account,
    )
    user._mttq_scope = scope
    return scope
