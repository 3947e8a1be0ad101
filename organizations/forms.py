from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class PortalAuthenticationForm(AuthenticationForm):
    # Django's own Vietnamese catalogue leaves this message untranslated.
    error_messages = {
        "invalid_login": _("The username or password is not correct. Both are case-sensitive."),
        "inactive": _("This account is inactive."),
    }
