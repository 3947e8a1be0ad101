"""django-otp-webauthn's ceremonies, with the portal's session rule and security log added (ADR 0121).

The library's views log the device into the session; these subclasses also rotate the session key, record the
verification time (for re-authentication before sensitive actions) and write the security event.
"""

from django.urls import path
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import views as webauthn_views

from .audit import security_event_record
from .mfa import mfa_mark_verified
from .models import SecurityEventKind


class PortalCompleteRegistrationView(webauthn_views.CompleteCredentialRegistrationView):
    def post(self, *args, **kwargs):
        response = super().post(*args, **kwargs)
        if response.status_code == 200:
            security_event_record(kind=SecurityEventKind.MFA_ENROLLED, request=self.request, object_type="passkey")
        return response


class PortalCompleteAuthenticationView(webauthn_views.CompleteCredentialAuthenticationView):
    def complete_auth(self, device):
        user = super().complete_auth(device)
        mfa_mark_verified(request=self.request, device=device)
        security_event_record(
            kind=SecurityEventKind.MFA_VERIFIED, request=self.request, object_type="passkey", object_id=device.pk
        )
        return user


app_name = "otp_webauthn"
urlpatterns = [
    path(
        "registration/begin/",
        webauthn_views.BeginCredentialRegistrationView.as_view(),
        name="credential-registration-begin",
    ),
    path(
        "registration/complete/",
        PortalCompleteRegistrationView.as_view(),
        name="credential-registration-complete",
    ),
    path(
        "authentication/begin/",
        webauthn_views.BeginCredentialAuthenticationView.as_view(),
        name="credential-authentication-begin",
    ),
    path(
        "authentication/complete/",
        PortalCompleteAuthenticationView.as_view(),
        name="credential-authentication-complete",
    ),
    path("jsi18n/", JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]), name="js-i18n-catalog"),
]
