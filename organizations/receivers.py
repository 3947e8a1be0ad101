"""Signal receivers that feed the security event log (connected in ``OrganizationsConfig.ready``).

They only record what Django and django-axes announce; no rule is decided here.
"""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

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
