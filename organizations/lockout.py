"""Login lock-out around django-axes: tell the account's owner, and let an administrator lift it.

django-axes counts failures per account across addresses and per address across accounts
(``AXES_LOCKOUT_PARAMETERS``; docs/adr/0122-lockout-per-account-and-per-address.md).
"""

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _

from .audit import security_event_record
from .models import SecurityEventKind, User


def lockout_notify_owner(*, username: str | None, ip_address: str | None) -> bool:
    """Email the owner of a locked-out account once per cool-off period. Unknown names are silently skipped
    (an attacker must not learn which usernames exist)."""
    if not username:
        return False
    user = User.objects.filter(username__iexact=username, is_active=True).exclude(email="").first()
    if user is None:
        return False
    cooloff = int(settings.AXES_COOLOFF_TIME.total_seconds())
    if not cache.add(f"lockout-mail:{user.pk}", 1, timeout=cooloff):
        return False
    lines = []
    for language in ("vi", "en"):
        with translation.override(language):
            lines.append(
                _(
                    "Your account %(username)s on the MTTQ Portal was locked for %(minutes)s minutes after "
                    "repeated failed logins. If this was not you, tell the administrator; an administrator can "
                    "also lift the lock-out."
                )
                % {"username": user.username, "minutes": cooloff // 60}
            )
    with translation.override("vi"):
        subject = _("Your MTTQ Portal account was locked")
    send_mail(subject, "\n\n".join(lines), None, [user.email], fail_silently=True)
    return True


def lockout_lift(*, user: User, lifted_by, request=None) -> int:
    """Remove the failed attempts of the account (every address) so its owner can log in again."""
    from axes.utils import reset

    removed = reset(username=user.get_username())
    cache.delete(f"lockout-mail:{user.pk}")
    security_event_record(
        kind=SecurityEventKind.UNLOCKED,
        request=request,
        actor=lifted_by,
        object_type="user",
        object_id=user.pk,
        detail={"attempts_removed": removed},
    )
    return removed
