"""Writes for places, organisations and staff. Every write of this app goes through here."""

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from mttq_portal.errors import ApplicationError
from mttq_portal.text import fold_vietnamese

from .audit import security_event_record
from .models import AdministrativeUnit, Membership, Organization, ResidentialArea, Role, SecurityEventKind, User
from .scope import AnyUser


def unit_upsert(
    *, code: int, name: str, kind: str, parent: AdministrativeUnit | None
) -> tuple[AdministrativeUnit, bool]:
    """Create or update a unit from the official list; ``is_remote_area`` is staff-maintained and kept."""
    unit, created = AdministrativeUnit.objects.get_or_create(
        code=code, defaults={"name": name, "kind": kind, "parent": parent, "name_folded": fold_vietnamese(name)}
    )
    if not created and (unit.name, unit.kind, unit.parent_id) != (name, kind, parent.id if parent else None):
        unit.name, unit.kind, unit.parent, unit.name_folded = name, kind, parent, fold_vietnamese(name)
        unit.save(update_fields=["name", "kind", "parent", "name_folded"])
    return unit, created


def unit_set_remote_area(*, unit: AdministrativeUnit, is_remote_area: bool, source: str = "") -> AdministrativeUnit:
    unit.is_remote_area = is_remote_area
    fields = ["is_remote_area"]
    if source:
        unit.remote_area_source = source[:255]
        fields.append("remote_area_source")
    unit.save(update_fields=fields)
    return unit


def residential_area_create(
    *, commune: AdministrativeUnit, name: str, kind: str = ResidentialArea.Kind.HAMLET, work_committee_head: str = ""
) -> ResidentialArea:
    name = " ".join(name.split())
    if not name:
        raise ApplicationError(_("The residential area needs a name."), code="invalid_name")
    if commune.parent_id is None:
        raise ApplicationError(_("A residential area belongs to a commune or ward."), code="invalid_commune")
    area, _created = ResidentialArea.objects.get_or_create(
        commune=commune,
        name=name,
        defaults={"kind": kind, "work_committee_head": work_committee_head, "name_folded": fold_vietnamese(name)},
    )
    return area


def organization_upsert(
    *,
    code: str,
    name: str,
    kind: str,
    level: str,
    unit: AdministrativeUnit,
    parent: Organization | None = None,
    short_name: str = "",
) -> tuple[Organization, bool]:
    values = {
        "name": name,
        "kind": kind,
        "level": level,
        "unit": unit,
        "parent": parent,
        "short_name": short_name,
        "name_folded": fold_vietnamese(name),
    }
    org, created = Organization.objects.get_or_create(code=code, defaults=values)
    if not created:
        changed = [field for field, value in values.items() if getattr(org, field) != value]
        if changed:
            for field in changed:
                setattr(org, field, values[field])
            org.save(update_fields=changed)
    return org, created


@transaction.atomic
def staff_user_create(
    *,
    username: str,
    password: str | None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    organization: Organization | None = None,
    role: str | None = None,
) -> User:
    if User.objects.filter(username__iexact=username).exists():
        raise ApplicationError(_("This username is already taken."), code="username_taken")
    user = User(username=username, email=email, first_name=first_name, last_name=last_name)
    if role == Role.ADMINISTRATOR:
        # Only administrators reach the Django admin (the admin site also checks the role).
        user.is_staff = True
        user.is_superuser = True
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    if organization is not None and role:
        membership_grant(user=user, organization=organization, role=role)
    return user


def membership_grant(
    *,
    user: User,
    organization: Organization,
    role: str,
    granted_by: User | None = None,
    request: HttpRequest | None = None,
) -> Membership:
    if role not in Role.values:
        raise ApplicationError(_("Unknown role."), code="invalid_role")
    membership, created = Membership.objects.get_or_create(user=user, organization=organization, role=role)
    if not created and not membership.is_active:
        membership.is_active = True
        membership.save(update_fields=["is_active"])
        created = True
    if created:
        _membership_logged(SecurityEventKind.MEMBERSHIP_GRANTED, membership, by=granted_by, request=request)
    return membership


def membership_revoke(
    *, membership: Membership, revoked_by: User | None = None, request: HttpRequest | None = None
) -> Membership:
    """Memberships are deactivated, never deleted: the history of who could see what stays."""
    if membership.is_active:
        membership.is_active = False
        membership.save(update_fields=["is_active"])
        _membership_logged(SecurityEventKind.MEMBERSHIP_REVOKED, membership, by=revoked_by, request=request)
    return membership


def membership_change_logged(
    *, membership: Membership, changed_by: AnyUser, request: HttpRequest | None = None
) -> None:
    """For changes saved by the admin's forms: the grant or revocation as it now stands."""
    kind = SecurityEventKind.MEMBERSHIP_GRANTED if membership.is_active else SecurityEventKind.MEMBERSHIP_REVOKED
    _membership_logged(kind, membership, by=changed_by, request=request)


def _membership_logged(kind: str, membership: Membership, *, by: AnyUser | None, request: HttpRequest | None) -> None:
    security_event_record(
        kind=kind,
        request=request,
        actor=by,
        object_type="membership",
        object_id=membership.pk,
        detail={
            "user_id": membership.user_id,
            "organization_id": membership.organization_id,
            "role": membership.role,
        },
    )
