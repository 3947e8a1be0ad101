"""Staff session rules: idle timeout and absolute lifetime, then the second factor (ADR 0121, 0123)."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .audit import security_event_record
from .models import SecurityEventKind

SESSION_LOGIN_AT = "session_login_at"
SESSION_SEEN_AT = "session_seen_at"


def session_start(*, request) -> None:
    """Called at login (the session key has just been rotated by Django): the clocks start now."""
    if hasattr(request, "session"):
        now = int(time.time())
        request.session[SESSION_LOGIN_AT] = now
        request.session[SESSION_SEEN_AT] = now


def _is_api(request) -> bool:
    return request.path.startswith(("/api/", "/open311/"))


def _is_fragment(request) -> bool:
    """An htmx request for a piece of a page (a badge, a list): a redirect would be followed and the whole
    target page swapped into the piece, again and again."""
    return request.headers.get("HX-Request") == "true"


class SessionTimeoutMiddleware:
    """Log a staff user out after SESSION_IDLE_TIMEOUT seconds without a request, and SESSION_ABSOLUTE_LIFETIME
    seconds after login whatever the activity (OWASP ASVS 3.3). Placed after AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            session = request.session
            login_at = session.get(SESSION_LOGIN_AT) or now
            seen_at = session.get(SESSION_SEEN_AT) or now
            idle = now - seen_at > settings.SESSION_IDLE_TIMEOUT
            too_old = now - login_at > settings.SESSION_ABSOLUTE_LIFETIME
            if idle or too_old:
                security_event_record(
                    kind=SecurityEventKind.SESSION_EXPIRED,
                    request=request,
                    detail={"reason": "idle" if idle else "lifetime"},
                )
                logout(request)
                if _is_api(request):
                    return self.get_response(request)
                login_url = f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}"
                if _is_fragment(request):
                    # The page the piece belongs to goes to the login page as a whole.
                    response = HttpResponse(status=401)
                    response["HX-Redirect"] = reverse("login")
                    return response
                messages.info(request, _("You were logged out after a period of inactivity. Please log in again."))
                return redirect(login_url)
            # Writing the session on every request would cost a write per page; a clock coarse by a tenth of
            # the timeout (at most a minute) is enough.
            if SESSION_LOGIN_AT not in session:
                session[SESSION_LOGIN_AT] = now
            if now - seen_at >= min(60, settings.SESSION_IDLE_TIMEOUT // 10) or SESSION_SEEN_AT not in session:
                session[SESSION_SEEN_AT] = now
        return self.get_response(request)


class MfaEnforcementMiddleware:
    """A user who has a second factor must verify it after the password; a user who must have one and has
    none is sent to enrol (at first login). Placed after django-otp's OTPMiddleware."""

    EXEMPT_PREFIXES = (
        "/accounts/login/",
        "/accounts/logout/",
        "/accounts/mfa/",
        "/accounts/password/reset/",
        "/accounts/reset/",
        "/accounts/invitation/",
        "/i18n/",
        "/healthz",
        "/webauthn/",
        "/quan-tri/logout/",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self._check(request)
        return response if response is not None else self.get_response(request)

    def _check(self, request):
        from .mfa import mfa_step_pending

        path = request.path
        if path.startswith(settings.STATIC_URL) or path.startswith(self.EXEMPT_PREFIXES):
            return None
        # Kept for the page's own menu (mttq_portal.context_processors): it cannot change before the page is
        # drawn, since only the exempt pages of the step pass it.
        target = request.mfa_step_pending = mfa_step_pending(user=getattr(request, "user", None))
        if target is None:
            return None
        if _is_api(request):
            return JsonResponse(
                {"error": {"code": "mfa_required", "message": _("Verify your second factor first."), "fields": {}}},
                status=403,
            )
        if _is_fragment(request):
            # The page around the piece is the one that asks for the factor; the piece stays empty.
            return HttpResponse(status=403)
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
