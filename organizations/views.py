from urllib.parse import urlencode

from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import invitations as invitation
from . import mfa
from .audit import security_event_record
from .forms import PortalAuthenticationForm
from .models import SecurityEventKind
from .selectors import commune_search, mfa_required_for


class PortalLoginView(auth_views.LoginView):
    authentication_form = PortalAuthenticationForm
    redirect_authenticated_user = True


class PortalPasswordResetView(auth_views.PasswordResetView):
    email_template_name = "registration/password_reset_email.txt"
    html_email_template_name = "registration/password_reset_email.html"
    subject_template_name = "registration/password_reset_subject.txt"


@require_GET
def commune_search_view(request):
    """Accent-insensitive commune picker ("muong phang" finds "Mường Phăng"); an htmx fragment or a page."""
    query = request.GET.get("q", "")[:100]
    communes = commune_search(query=query).only("id", "name")[:50]
    template = (
        "organizations/_commune_options.html"
        if request.headers.get("HX-Request")
        else "organizations/commune_search.html"
    )
    return render(request, template, {"communes": communes, "query": query})


def _safe_next(request, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


@login_required
def mfa_overview(request):
    """The user's second factors: the authenticator, recovery codes, passkeys; and a way to add one."""
    totp = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    recovery_left = StaticToken.objects.filter(device__user=request.user).count()
    codes = None
    if request.method == "POST" and request.POST.get("action") == "recovery" and totp is not None:
        if mfa.mfa_reauth_needed(request=request):
            return redirect(f"{reverse('mfa-verify')}?{urlencode({'next': request.path})}")
        codes = mfa.recovery_codes_renew(request=request)
        recovery_left = len(codes)
    return render(
        request,
        "registration/mfa_overview.html",
        {
            "totp": totp,
            "recovery_left": recovery_left,
            "codes": codes,
            "required": mfa_required_for(user=request.user),
            "webauthn": mfa.webauthn_available(),
        },
    )


@login_required
def mfa_setup(request):
    """Enrol an authenticator app (TOTP) without JavaScript: scan the QR code or type the key, then a code."""
    device = mfa.totp_pending_device(user=request.user)
    error = ""
    if request.method == "POST":
        codes = mfa.totp_enrol_confirm(request=request, device=device, token=request.POST.get("token", ""))
        if codes is not None:
            return render(
                request,
                "registration/mfa_recovery_codes.html",
                {"codes": codes, "next": _safe_next(request, reverse("mfa-overview"))},
            )
        error = _("The code is not correct. Check the time on your phone and type the newest code.")
    return render(
        request,
        "registration/mfa_setup.html",
        {
            "qr": mfa.totp_qr_data_uri(device=device),
            "key": mfa.totp_key_text(device=device),
            "error": error,
            "next": _safe_next(request, ""),
            "required": mfa_required_for(user=request.user),
        },
    )


@login_required
def mfa_verify(request):
    """The second step of the login, and the question asked again before a sensitive action."""
    if not mfa.user_has_mfa(user=request.user):
        return redirect(f"{reverse('mfa-setup')}?{urlencode({'next': _safe_next(request, '')})}")
    error = ""
    if request.method == "POST":
        if mfa.mfa_verify(request=request, token=request.POST.get("token", "")) is not None:
            return redirect(_safe_next(request))
        error = _("The code is not correct, or too many tries were made; wait a moment and try again.")
    return render(
        request,
        "registration/mfa_verify.html",
        {
            "error": error,
            "next": _safe_next(request, ""),
            "reauth": request.user.is_verified(),
            "webauthn": mfa.webauthn_available() and mfa.user_has_passkey(user=request.user),
        },
    )


def invitation_accept(request, token: str):
    """Choose a password from the invitation link (once), then the second factor where the role requires it."""
    user = invitation.invitation_user(token=token)
    if user is None:
        return render(request, "registration/invitation_invalid.html", status=404)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        security_event_record(kind=SecurityEventKind.PASSWORD_CHANGED, request=request, actor=user)
        auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        if mfa.mfa_enforced_for(user=user) or mfa_required_for(user=user):
            return redirect("mfa-setup")
        return redirect("home")
    return render(request, "registration/invitation_accept.html", {"form": form, "invited": user})
