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
        if scope.sees_aggregates:
            items.append(NavItem(label=_("Report files"), url_name="reports-files", order=51))
        return items

    def generate_demo_data(self, *, rng, stdout, scale) -> None:
        """Runs last (reports is the last app): rebuild the summaries from everything the other hooks made,
        so every dashboard and report shows the demo's true figures at once."""
        from .models import DailyItemSummary, OpenItemSnapshot
        from .services import summary_refresh

        summary_refresh(full=True)
        stdout.write(
            f"  summaries: {DailyItemSummary.objects.count():,} daily rows, "
            f"{OpenItemSnapshot.objects.count():,} open-item rows"
        )
