from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.utils.translation import gettext_lazy as _


class _BoundedDateChangeList(ChangeList):
    def get_filters(self, request):
        # Django's date hierarchy turns a year it cannot build into "?e=1" only for ValueError: a year past
        # the C integer (OverflowError) or 9999 (whose next year is computed outside its check) was a 500.
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as exc:
            raise IncorrectLookupParameters(exc) from exc


class _BoundedDateHierarchy:
    """A year out of range in a ``date_hierarchy`` is the admin's "?e=1", not a 500."""

    def get_changelist(self, request, **kwargs):
        return _BoundedDateChangeList


class PortalAdminSite(admin.AdminSite):
    site_header = _("MTTQ Portal administration")
    site_title = _("MTTQ Portal administration")
    index_title = _("Administration")

    def register(self, model_or_iterable, admin_class=None, **options):
        # Every list of the admin, the third-party apps' included (periodic tasks, login attempts), gets the
        # bounded date hierarchy.
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, _BoundedDateHierarchy):
            admin_class = type(
                admin_class.__name__, (_BoundedDateHierarchy, admin_class), {"__module__": admin_class.__module__}
            )
        super().register(model_or_iterable, admin_class, **options)

    def has_permission(self, request):
        # Only administrators (superusers) reach the admin; officers never do, even with is_staff set.
        user = request.user
        return user.is_active and user.is_staff and user.is_superuser


class PortalAdminConfig(AdminConfig):
    default_site = "mttq_portal.admin.PortalAdminSite"

    def ready(self) -> None:
        super().ready()
        from django.apps import apps

        from . import third_party_words  # noqa: F401 (their words are in the project's catalogue)

        # django-axes names its application by its package name only.
        if apps.is_installed("axes"):
            apps.get_app_config("axes").verbose_name = _("Login protection")
        # django-otp's plugins are named by their labels only.
        # Their model names are plain strings, not marked for translation.
        if apps.is_installed("django_otp.plugins.otp_totp"):
            apps.get_app_config("otp_totp").verbose_name = _("Authenticator apps")
            totp = apps.get_model("otp_totp", "TOTPDevice")._meta
            totp.verbose_name, totp.verbose_name_plural = _("TOTP device"), _("TOTP devices")
        if apps.is_installed("django_otp.plugins.otp_static"):
            apps.get_app_config("otp_static").verbose_name = _("Recovery codes")
            static = apps.get_model("otp_static", "StaticDevice")._meta
            static.verbose_name, static.verbose_name_plural = _("static device"), _("static devices")
        # django-celery-beat writes this one label as a plain string (not marked for translation).
        if apps.is_installed("django_celery_beat"):
            apps.get_model("django_celery_beat", "PeriodicTask")._meta.get_field("task").verbose_name = _("Task Name")
