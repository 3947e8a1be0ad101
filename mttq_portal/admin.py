from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class PortalAdminSite(admin.AdminSite):
    site_header = _("MTTQ Portal administration")
    site_title = _("MTTQ Portal administration")
    index_title = _("Administration")

    def has_permission(self, request):
        # Only administrators (superusers) reach the admin; officers never do, even with is_staff set.
        user = request.user
        return user.is_active and user.is_staff and user.is_superuser


class PortalAdminConfig(AdminConfig):
    default_site = "mttq_portal.admin.PortalAdminSite"
