"""The second factor for staff (django-otp; docs/adr/0121-mfa-with-django-otp.md).

TOTP (an authenticator app; works without JavaScript: the page shows a QR code as an SVG image and the key
as text), recovery codes (django-otp's static tokens, each usable once) and passkeys/security keys
(django-otp-webauthn). The password login stays the portal's own view (with django-axes); a second step then
verifies one of the user's devices. Required for the users ``selectors.mfa_required_for`` names.

The session remembers when the second factor was last verified (``SESSION_MFA_VERIFIED_AT``): exporting
personal data, issuing API tokens and changing memberships ask for it again after ``MFA_REAUTH_SECONDS``.
"""

import io
import secrets
import time

import django_otp
from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.qr import write_qrcode_image

from .audit import security_event_record
from .models import SecurityEventKind
from .selectors import mfa_required_for

SESSION_MFA_VERIFIED_AT = "mfa_verified_at"
RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery"


def mfa_enforced_for(*, user) -> bool:
    """Whether the middleware sends this user to enrol or verify (MFA_ENFORCED off disables it)."""
    return settings.MFA_ENFORCED and mfa_required_for(user=user)


def user_has_mfa(*, user) -> bool:
    return django_otp.user_has_device(user, confirmed=True)


def mfa_step_pending(*, user) -> str | None:
    """The page a signed-in user must pass before any other (``"mfa-verify"`` or ``"mfa-setup"``), or None.
    The middleware sends them there; the pages drawn meanwhile (the step's own) show no staff menu or badge,
    whose requests the middleware would refuse."""
    if not settings.MFA_ENFORCED:
        return None
    if user is None or not user.is_authenticated or not hasattr(user, "is_verified") or user.is_verified():
        return None
    if user_has_mfa(user=user):
        return "mfa-verify"
    if mfa_enforced_for(user=user):
        return "mfa-setup"
    return None


def totp_pending_device(*, user) -> TOTPDevice:
    """The unconfirmed authenticator being enrolled (one at a time; a fresh key after each completed set-up)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def totp_qr_data_uri(*, device: TOTPDevice) -> str:
    """The QR code as an image URI (an ``<img>``: no script, and allowed by the page's CSP ``img-src data:``)."""
    from base64 import b64encode

    out = io.BytesIO()
    write_qrcode_image(device.config_url, out)
    return "data:image/svg+xml;base64," + b64encode(out.getvalue()).decode()


def totp_key_text(*, device: TOTPDevice) -> str:
    """The key as the authenticator apps expect it typed (base32, in groups of four)."""
    from base64 import b32encode

    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@transaction.atomic
def totp_enrol_confirm(*, request, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the authenticator with a first code; returns fresh recovery codes (shown once), or None."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=request.user)
    if not device.verify_token(token.replace(" ", "")):
        security_event_record(kind=SecurityEventKind.MFA_FAILED, request=request, detail={"step": "enrol"})
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = recovery_codes_regenerate(user=request.user)
    security_event_record(
        kind=SecurityEventKind.MFA_ENROLLED, request=request, object_type="totp_device", object_id=device.pk
    )
    mfa_mark_verified(request=request, device=device)
    return codes


def recovery_codes_regenerate(*, user) -> list[str]:
    """Replace every recovery code of the user with ten new ones (8 characters, each usable once)."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [secrets.token_hex(4) for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def recovery_codes_renew(*, request) -> list[str]:
    """The user asks for a new set of recovery codes: the old ones stop working, so it is a new second factor
    and is logged as one (enrolment's first set is logged with the authenticator)."""
    codes = recovery_codes_regenerate(user=request.user)
    security_event_record(
        kind=SecurityEventKind.MFA_ENROLLED,
        request=request,
        object_type="recovery_codes",
        detail={"regenerated": True, "count": len(codes)},
    )
    return codes


def mfa_verify(*, request, token: str):
    """Check a code from the authenticator or a recovery code against the user's devices (django-otp's
    throttling slows repeated failures); on success the session is marked verified and its key rotated."""
    device = django_otp.match_token(request.user, token.replace(" ", "").strip())
    if device is None:
        security_event_record(kind=SecurityEventKind.MFA_FAILED, request=request, detail={"step": "verify"})
        return None
    security_event_record(
        kind=SecurityEventKind.MFA_VERIFIED,
        request=request,
        object_type=type(device).__name__.lower(),
        object_id=device.pk,
    )
    mfa_mark_verified(request=request, device=device)
    return device


def mfa_mark_verified(*, request, device) -> None:
    """Persist the verified device in the session and rotate the session key (a privilege change)."""
    django_otp.login(request, device)
    request.session.cycle_key()
    request.session[SESSION_MFA_VERIFIED_AT] = int(time.time())


def mfa_recently_verified(*, request) -> bool:
    verified_at = request.session.get(SESSION_MFA_VERIFIED_AT)
    return bool(verified_at) and time.time() - verified_at <= settings.MFA_REAUTH_SECONDS


def mfa_reauth_needed(*, request) -> bool:
    """Whether a sensitive action must first ask for the second factor again: for users who have one or
    must have one, when the last verification is older than MFA_REAUTH_SECONDS."""
    user = request.user
    if not settings.MFA_ENFORCED or not user.is_authenticated:
        return False
    if not (mfa_required_for(user=user) or user_has_mfa(user=user)):
        return False
    return not mfa_recently_verified(request=request)


def webauthn_available() -> bool:
    """Passkeys and security keys need a secure context (HTTPS or localhost) and the browser's JavaScript."""
    return "django_otp_webauthn" in settings.INSTALLED_APPS


def user_has_passkey(*, user) -> bool:
    from django_otp_webauthn.models import WebAuthnCredential

    return WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()


def mfa_reauth_redirect(*, request):
    """A redirect to the second-factor question (coming back to this page), or None when it was answered
    recently. Called before exporting personal data, issuing API tokens and changing memberships."""
    from urllib.parse import urlencode

    from django.shortcuts import redirect
    from django.urls import reverse

    if not mfa_reauth_needed(request=request):
        return None
    return redirect(f"{reverse('mfa-verify')}?{urlencode({'next': request.get_full_path()})}")
