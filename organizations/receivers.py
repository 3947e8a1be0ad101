"""Signal receivers that feed the security event log (connected in ``OrganizationsConfig.ready``).

They only record what Django, django-axes and django-otp announce; no rule is decided here.
"""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from mttq_portal.observability import current_request_var

from .audit import security_event_record
from .models import SecurityEventKind


@receiver(user_logged_in, dispatch_uid="security_log_login")
def _logged_in(sender, request, user, **kwargs):
    from .middleware import session_start

    session_start(request=request)
    security_event_record(kind=SecurityEventKind.LOGIN, request=request, actor=user)


@receiver(user_logged_out, dispatch_uid="security_log_logout")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        security_event_record(kind=SecurityEventKind.LOGOUT, request=request, actor=user)


@receiver(user_login_failed, dispatch_uid="security_log_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    # The password is never recorded; Django already masks it in ``credentials``.
    security_event_record(
        kind=SecurityEventKind.LOGIN_FAILED,
        request=request,
        actor_username=str(credentials.get("username", ""))[:150],
    )


@receiver(user_locked_out, dispatch_uid="security_log_locked_out")
def _locked_out(sender, request, username, ip_address, **kwargs):
    from .lockout import lockout_notify_owner

    security_event_record(kind=SecurityEventKind.LOCKED_OUT, request=request, actor_username=str(username or "")[:150])
    lockout_notify_owner(username=username, ip_address=ip_address)


# The name the log gives each kind of second factor.
_FACTOR_TYPES = {TOTPDevice: "totp_device", StaticDevice: "recovery_codes", WebAuthnCredential: "passkey"}


@receiver(post_delete, sender=TOTPDevice, dispatch_uid="security_log_totp_removed")
@receiver(post_delete, sender=StaticDevice, dispatch_uid="security_log_recovery_codes_removed")
@receiver(post_delete, sender=WebAuthnCredential, dispatch_uid="security_log_passkey_removed")
def _factor_removed(sender, instance, **kwargs):
    """A second factor was deleted, whatever deleted it (the admin, a bulk action, a user's removal, the
    shell): the log keeps that the account lost it. An enrolment never confirmed was no factor yet."""
    if not instance.confirmed:
        return
    security_event_record(
        kind=SecurityEventKind.MFA_REMOVED,
        # Who deleted it: the user of the request being served (an administrator in the admin site, or the
        # user themselves); none from the shell or a job.
        request=current_request_var.get(),
        object_type=_FACTOR_TYPES[sender],
        object_id=instance.pk,
        # Whose factor it was.
        detail={"user_id": instance.user_id},
    )
