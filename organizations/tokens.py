"""API tokens for other systems: issuing, revoking, authenticating, throttling, and the one permission class
that enforces a token's scopes on every API and Open311 view (ADR 0110).

A token acts as its organisation's service account: a real ``User`` (``is_service_account``, no usable
password) whose memberships give it the organisation's scope, so every selector that narrows with
``user_scope`` serves it unchanged, and every event, access log and approval records a user.
"""

import hashlib
import hmac
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions, throttling

from mttq_portal.client_address import ClientAddressIdentMixin
from mttq_portal.throttles import SharedCounterRateMixin

from .audit import security_event_record
from .models import ApiToken, ApiTokenScope, Membership, Organization, SecurityEventKind, User
from .scope import service_account_roles

KEY_PREFIX = "mttq_"


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_issue(
    *,
    organization: Organization,
    name: str,
    scopes=(ApiTokenScope.FIGURES,),
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
    unknown = set(scopes) - set(ApiTokenScope.values)
    if unknown or not scopes:
        raise ApplicationError(
            _("Choose the token's scopes among: %(scopes)s.") % {"scopes": ", ".join(ApiTokenScope.values)},
            code="invalid_scope",
        )
    service_account_for(organization=organization)
    prefix = secrets.token_hex(4)
    key = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        name=name,
        organization=organization,
        scopes=[value for value in ApiTokenScope.values if value in set(scopes)],
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
    token = ApiToken.objects.select_related("organization__service_account").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.key_hash, _hash(key)):
        return None
    return token


def service_account_for(*, organization: Organization) -> User:
    """The organisation's service account, created on first need with the roles its organisation can hold.

    Idempotent and safe under concurrency: the one-to-one link decides which of two racing creations wins.
    """
    try:
        account = organization.service_account  # joined by api_token_find: no query per request
    except User.DoesNotExist:
        account = None
    if account is None:
        try:
            with transaction.atomic():
                account = User(
                    username=f"service.{organization.code}"[:150],
                    is_service_account=True,
                    service_organization=organization,
                )
                account.set_unusable_password()
                account.save()
                for role in service_account_roles(organization):
                    Membership.objects.create(user=account, organization=organization, role=role)
        except IntegrityError:
            account = User.objects.get(service_organization=organization)
    return account


def identity_for_key(key: str) -> tuple[User, ApiToken]:
    """The acting service account and the token for a presented key; raises AuthenticationFailed (401) for an
    unknown or revoked key, an inactive organisation or a deactivated service account."""
    token = api_token_find(key)
    if token is None:
        raise exceptions.AuthenticationFailed(_("Invalid API token."), code="invalid_token")
    if not token.is_active:
        raise exceptions.AuthenticationFailed(_("This API token has been revoked."), code="revoked_token")
    if not token.organization.is_active:
        raise exceptions.AuthenticationFailed(_("The token's organisation is not active."), code="inactive_token")
    account = service_account_for(organization=token.organization)
    if not account.is_active:
        raise exceptions.AuthenticationFailed(_("The token's service account is disabled."), code="inactive_token")
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
    return account, token


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer mttq_…`` (or ``Token mttq_…``)."""

    keywords = ("bearer", "token")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if len(header) != 2 or header[0].lower() not in self.keywords or not header[1].startswith(KEY_PREFIX):
            # Not ours: DRF's own TokenAuthentication (staff tokens) may still take it.
            return None
        return identity_for_key(header[1])

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class ApiTokenRateThrottle(ClientAddressIdentMixin, SharedCounterRateMixin, throttling.SimpleRateThrottle):
    """A rate per API token, counted in the shared cache so it holds across web processes (one round trip per
    request, ADR 0178)."""

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


# What a view declares (``token_scope``) and what it means for the method.
PUBLIC = "public"  # anyone, with or without a token (the citizens' API)
ANY_TOKEN = "any"  # noqa: S105 (not a secret) any authenticated caller; a token needs no particular scope (reference lists, /me/)
WRITE_SCOPES = {ApiTokenScope.FIGURES: ApiTokenScope.FIGURES_WRITE, ApiTokenScope.ITEMS: ApiTokenScope.ITEMS_WRITE}
READ_SCOPES = {write: read for read, write in WRITE_SCOPES.items()}


def required_token_scope(view, method: str) -> str | None:
    """The scope a token needs for this view and method: the view's ``token_scope`` for reads, its ``:write``
    scope for any other method. A view that declares nothing is closed to tokens (None)."""
    declared = getattr(view, "token_scope", None)
    if declared in (PUBLIC, ANY_TOKEN) or declared is None:
        return declared
    if method in permissions.SAFE_METHODS:
        return declared
    return WRITE_SCOPES.get(declared, declared)


def token_scope_check(*, token: ApiToken, needed: str | None) -> None:
    """Raises PermissionDenied (403) unless the token holds the scope."""
    if needed in (ANY_TOKEN, PUBLIC):
        return
    read_scope = READ_SCOPES.get(needed)
    # A write scope moves what the token can read: it needs both (items:write alone reads nothing).
    if needed is None or not token.has_scope(needed) or (read_scope and not token.has_scope(read_scope)):
        raise exceptions.PermissionDenied(
            _("This API token does not have the scope this request needs (%(scope)s).")
            % {"scope": needed or _("none granted to tokens")},
            code="token_scope",
        )


class TokenScopePermission(permissions.BasePermission):
    """THE permission class of the API (the default in settings; views that set their own list it first).

    - ``token_scope = PUBLIC``: open to everyone;
    - otherwise the caller must be authenticated (a staff session, or a token acting as its organisation's
      service account); a token must hold the view's scope for a read and its ``:write`` scope for any
      other method. The roles and the scoping selectors decide the rest, for tokens and officers alike.
    """

    def has_permission(self, request, view):
        needed = required_token_scope(view, request.method)
        if needed == PUBLIC:
            return True
        if not (request.user and request.user.is_authenticated):
            raise exceptions.NotAuthenticated()
        if isinstance(request.auth, ApiToken):
            token_scope_check(token=request.auth, needed=needed)
        return True
