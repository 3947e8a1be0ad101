from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def nav_items(self, scope):
        from mttq_portal.navigation import NavItem

        items = []
        if scope.sees_aggregates:
            items.append(NavItem(label=_("Dashboard"), url_name="reports-dashboard", order=50))
        if scope.is_admin or scope.is_front_officer:
            items.append(NavItem(label=_("Report files"), url_name="reports-files", order=51))
        return items
