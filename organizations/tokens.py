"""API tokens for other systems: issuing, revoking, authenticating, throttling.

A token maps to a ``ServiceIdentity``: an authenticated, non-user principal whose access scope is its
organisation's, so every selector that narrows with ``user_scope`` serves it unchanged.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, throttling

from .audit import security_event_record
from .models import AGENCY_KINDS, ApiToken, ApiTokenScope, Level, Organization, OrganizationKind, SecurityEventKind
from .selectors import UserScope

KEY_PREFIX = "mttq_"
FRONT_KINDS = frozenset({OrganizationKind.FRONT_COMMITTEE, OrganizationKind.FRONT_STANDING_BOARD})


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_issue(
    *,
    organization: Organization,
    name: str,
    scope: str = ApiTokenScope.FIGURES,
    can_submit: bool = False,
    created_by=None,
) -> tuple[ApiToken, str]:
    """Create a token; returns it with the key, which is never stored and cannot be shown again."""
    # Imported here: DRF's settings import this module while mttq_portal.errors imports DRF's views.
    from mttq_portal.errors import ApplicationError

    name = " ".join(name.split())
    if not name:
        raise ApplicationError(_("Give the token a name (which system uses it)."), code="invalid_name")
    if not organization.is_active:
        raise ApplicationError(_("The organisation is not active."), code="inactive_organization")
    prefix = secrets.token_hex(4)
    key = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        name=name,
        organization=organization,
        scope=scope,
        can_submit=can_submit,
        prefix=prefix,
        key_hash=_hash(key),
        created_by=created_by,
    )
    security_event_record(
        kind=SecurityEventKind.TOKEN_ISSUED, actor=created_by, object_type="api_token", object_id=token.pk
    )
    return token, key


def api_token_revoke(*, token: ApiToken, revoked_by=None) -> ApiToken:
    """Revoke for good (a revoked key is refused with 401). Revoking twice keeps the first record."""
    with transaction.atomic():
        revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=revoked_by
        )
        if revoked:
            security_event_record(
                kind=SecurityEventKind.TOKEN_REVOKED, actor=revoked_by, object_type="api_token", object_id=token.pk
            )
    token.refresh_from_db()
    return token


def api_token_find(key: str) -> ApiToken | None:
    """The active or revoked token for a presented key, or None when the key is unknown."""
    if not key.startswith(KEY_PREFIX) or key.count("_") < 2:
        return None
    prefix = key[len(KEY_PREFIX) :].split("_", 1)[0]
    token = ApiToken.objects.select_related("organization").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.key_hash, _hash(key)):
        return None
    return token


def scope_for_organization(organization: Organization) -> UserScope:
    """What an organisation may see: as its officers would, but never the admin's everything."""
    kind, level = organization.kind, organization.level
    common = {"organization_ids": frozenset({organization.id})}
    if kind in FRONT_KINDS:
        if level == Level.PROVINCE:
            return UserScope(province_wide=True, **common)
        return UserScope(front_unit_ids=frozenset({organization.unit_id}), **common)
    if kind in AGENCY_KINDS:
        # A provincial party committee or People's Council also reads the province's aggregates (the board).
        return UserScope(
            agency_ids=frozenset({organization.id}),
            is_board_viewer=level == Level.PROVINCE and kind != OrganizationKind.DEPARTMENT,
            **common,
        )
    if kind == OrganizationKind.PROPAGANDA_COMMISSION:
        return UserScope(is_board_viewer=True, **common)
    return UserScope(**common)


@dataclass
class ServiceIdentity:
    """The principal of a request made with an API token (not a staff user; has no password or session)."""

    token: ApiToken

    is_authenticated = True
    is_active = True
    is_anonymous = False
    is_staff = False
    is_superuser = False
    pk = None
    id = None

    def __post_init__(self):
        # organizations.selectors.user_scope returns this cached scope for the identity.
        self._mttq_scope = scope_for_organization(self.token.organization)

    @property
    def username(self) -> str:
        return f"token:{self.token.prefix}"

    def get_username(self) -> str:
        return self.username

    @property
    def organization(self) -> Organization:
        return self.token.organization

    @property
    def may_read_items(self) -> bool:
        return self.token.scope == ApiTokenScope.ITEMS

    def __str__(self) -> str:
        return self.username


def identity_for_key(key: str) -> ServiceIdentity:
    """The identity for a presented key; raises AuthenticationFailed (401) for an unknown or revoked key."""
    token = api_token_find(key)
    if token is None:
        raise exceptions.AuthenticationFailed(_("Invalid API token."), code="invalid_token")
    if not token.is_active:
        raise exceptions.AuthenticationFailed(_("This API token has been revoked."), code="revoked_token")
    if not token.organization.is_active:
        raise exceptions.AuthenticationFailed(_("The token's organisation is not active."), code="inactive_token")
    now = timezone.now()
    # Record use at most once a minute per token (no write on every request).
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        # The log records use at the same rhythm (at most once a minute per token).
        security_event_record(
            kind=SecurityEventKind.TOKEN_USED,
            actor_username=f"token:{token.prefix}",
            object_type="api_token",
            object_id=token.pk,
        )
    return ServiceIdentity(token=token)


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer mttq_…`` (or ``Token mttq_…``)."""

    keywords = ("bearer", "token")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if len(header) != 2 or header[0].lower() not in self.keywords or not header[1].startswith(KEY_PREFIX):
            # Not ours: DRF's own TokenAuthentication (staff tokens) may still take it.
            return None
        identity = identity_for_key(header[1])
        return identity, identity.token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class ApiTokenRateThrottle(throttling.SimpleRateThrottle):
    """A rate per API token, counted in the shared cache so it holds across web processes."""

    scope = "api_token"

    def get_cache_key(self, request, view):
        token = getattr(request, "auth", None)
        if not isinstance(token, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": token.pk}


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Documents the token in the OpenAPI schema (HTTP bearer)."""

    target_class = ApiTokenAuthentication
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A per-organisation key issued by an administrator: `Authorization: Bearer mttq_…`.",
        }
