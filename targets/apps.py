from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    name = "targets"
    verbose_name = _("Targets")

    def seed_reference_data(self, stdout) -> None:
        """The 11 targets of section I.2.2, their indicators and the periods 2026-2030 (idempotent)."""
        from .seeding import seed_reference_data

        seed_reference_data(stdout=stdout)

    def nav_items(self, scope) -> list:
        from mttq_portal.navigation import NavItem

        items = []
        if scope.sees_aggregates:
            items.append(NavItem(label=_("Targets"), url_name="targets:overview", order=60))
        if scope.is_staff_member and not (scope.is_board_viewer and not scope.is_front_officer and not scope.is_admin):
            items.append(NavItem(label=_("Report a target"), url_name="targets:report-list", order=61))
        if scope.province_wide or scope.is_admin:
            items.append(NavItem(label=_("Approve reports"), url_name="targets:approval-queue", order=62))
        return items

    def generate_demo_data(self, *, rng, stdout, scale) -> None:
        """Approved and waiting reports for the reported indicators, then a rollup of the current year."""
        from .demo import generate_demo_data

        generate_demo_data(rng=rng, stdout=stdout, scale=scale)
