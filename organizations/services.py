"""Writes for places, organisations and staff. Every write of this app goes through here."""

from django.db import transaction
from django.utils.translation import gettext as _

from mttq_portal.errors import ApplicationError
from mttq_portal.text import fold_vietnamese

from .models import AdministrativeUnit, Membership, Organization, Role, User


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


def membership_grant(*, user: User, organization: Organization, role: str) -> Membership:
    if role not in Role.values:
        raise ApplicationError(_("Unknown role."), code="invalid_role")
    membership, created = Membership.objects.get_or_create(user=user, organization=organization, role=role)
    if not created and not membership.is_active:
        membership.is_active = True
        membership.save(update_fields=["is_active"])
    return membership


def membership_revoke(*, membership: Membership) -> Membership:
    """Memberships are deactivated, never deleted: the history of who could see what stays."""
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    return membership
