"""THE access scope, both directions (ADR 0111).

- Forward: ``user_scope(user=...)`` says what an actor (an officer, or an organisation's service account acting
  for an API token) may see; the selectors of every app turn it into a WHERE clause.
- Reverse: ``item_viewers_sql`` says which people may see an item; notification audiences are subsets of it,
  so no one is told about an item they cannot open.
- Which role an organisation can hold: ``ROLE_KINDS`` (a validated table; the admin form and
  ``manage.py check_memberships`` use it, and a membership that breaks it grants nothing).
"""

from dataclasses import dataclass
from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from mttq_portal.ordering import vietnamese_order

from .models import AGENCY_KINDS, SOCIO_POLITICAL_KINDS, Level, Membership, Organization, OrganizationKind, Role, User

# Who acts: a signed-in officer or service account, or the anonymous user of a public page (``request.user``).
AnyUser: TypeAlias = User | AnonymousUser

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
        .order_by(*vietnamese_order("organization__name"), "user__username")
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


def user_scope(*, user: AnyUser | None) -> UserScope:
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


# ---- rows of figures and programme records -----------------------------------------------------------


def figures_q(
    scope: UserScope, *, commune_field: str, agency_field: str | None = None, org_unit_field: str | None = None
) -> Q | None:
    """The rows of figures, programme and target records a scope sees (aggregates, no personal data).

    ``Q()`` (everything) for administrators, the provincial Front and the board; otherwise the rows of its
    communes (by ``commune_field``, or by the unit of the row's organisation, ``org_unit_field``) and of its
    agencies (``agency_field``); None when it sees none. The items themselves are scoped by
    ``feedback.selectors.items`` with the same ``UserScope``.
    """
    if scope.sees_whole_province or scope.is_board_viewer:
        return Q()
    q = Q(pk__in=[])
    units = sorted(scope.front_unit_ids)
    if units:
        q |= Q(**{f"{commune_field}__in": units})
        if org_unit_field:
            q |= Q(**{f"{org_unit_field}__in": units})
    agencies = sorted(scope.agency_ids)
    if agency_field and agencies:
        q |= Q(**{f"{agency_field}__in": agencies})
    return q if units or (agency_field and agencies) else None


# ---- the reverse direction: who may see an item ---------------------------------------------------------


def _role_condition(role: str, alias: str = "o") -> str:
    """SQL: membership ``m`` holds ``role`` at an organisation ``alias`` that can hold it (ROLE_KINDS).

    Built only from the constants above (never from a request), so it is safe to format into SQL."""
    rule = ROLE_KINDS[role]
    kinds = ", ".join(f"'{kind}'" for kind in sorted(rule.kinds))
    levels = ", ".join(f"'{level}'" for level in sorted(rule.levels))
    return f"m.role = '{role}' AND {alias}.kind IN ({kinds}) AND {alias}.level IN ({levels}) AND m.is_active"


# Each returns rows (ref, item_id, user_id) for a relation ``it`` of items with columns ref, id, commune_id,
# current_agency_id, handling_level. They mirror what ``user_scope`` lets each role see (the forward
# direction, ``feedback.selectors.items``): the commune Front sees its commune's items, the provincial Front
# every item, an agency the items forwarded to it or to the agencies it is the superior of.
VIEWERS_SQL: dict[str, str] = {
    # The Front officers handling the item (its commune while handled there, else the province).
    "item_front": f"""
        SELECT it.ref, it.id, m.user_id FROM {{items}} it
        JOIN organizations_organization o ON o.unit_id = it.commune_id AND o.level = 'commune' AND o.is_active
        JOIN organizations_membership m ON m.organization_id = o.id AND {_role_condition(Role.FRONT_OFFICER)}
        WHERE it.handling_level = 'commune'
        UNION ALL
        SELECT it.ref, it.id, m.user_id FROM {{items}} it
        JOIN organizations_administrativeunit c ON c.id = it.commune_id
        JOIN organizations_organization o ON o.unit_id = c.parent_id AND o.level = 'province' AND o.is_active
        JOIN organizations_membership m ON m.organization_id = o.id AND {_role_condition(Role.FRONT_OFFICER)}
        WHERE it.handling_level = 'province'""",
    "province_front": f"""
        SELECT it.ref, it.id, m.user_id FROM {{items}} it
        JOIN organizations_administrativeunit c ON c.id = it.commune_id
        JOIN organizations_organization o ON o.unit_id = c.parent_id AND o.level = 'province' AND o.is_active
        JOIN organizations_membership m ON m.organization_id = o.id AND {_role_condition(Role.FRONT_OFFICER)}""",
    "agency": f"""
        SELECT it.ref, it.id, m.user_id FROM {{items}} it
        JOIN organizations_organization o ON o.id = it.current_agency_id AND o.is_active
        JOIN organizations_membership m ON m.organization_id = o.id AND {_role_condition(Role.AGENCY_OFFICER)}""",
    "agency_superior": f"""
        SELECT it.ref, it.id, m.user_id FROM {{items}} it
        JOIN organizations_organization a ON a.id = it.current_agency_id
        JOIN organizations_organization o ON o.id = a.parent_id AND o.is_active
        JOIN organizations_membership m ON m.organization_id = o.id AND {_role_condition(Role.AGENCY_OFFICER)}""",
    # The provincial board reads the overdue list (aggregates), not the item: its notice links to the list.
    "board": f"""
        SELECT it.ref, it.id, m.user_id FROM {{items}} it
        JOIN organizations_administrativeunit c ON c.id = it.commune_id
        JOIN organizations_organization o ON o.unit_id = c.parent_id AND o.level = 'province' AND o.is_active
        JOIN organizations_membership m ON m.organization_id = o.id AND {_role_condition(Role.BOARD_VIEWER)}""",
}


def item_viewers_sql(audiences, *, items: str) -> str:
    """Distinct (ref, item_id, user_id, email) of the active people (never a service account) in the
    audiences, for a relation of items (SQL text; values are bound by the caller)."""
    parts = [VIEWERS_SQL[str(a)].format(items=items) for a in audiences if str(a) in VIEWERS_SQL]
    if not parts:
        return ""
    union = "\nUNION ALL\n".join(parts)
    return f"""
        SELECT DISTINCT r.ref, r.id AS item_id, r.user_id, u.email
        FROM ({union}) r (ref, id, user_id)
        JOIN organizations_user u ON u.id = r.user_id AND u.is_active AND NOT u.is_service_account"""
