from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Feedback")

    def ready(self) -> None:
        from .refcache import connect_signals

        connect_signals()

        from .services.notifications.hooks import register_hooks

        register_hooks()

        # The tasks are registered in every process, not only in workers: the services publish them by name
        # (services/notifications/queueing.py), and a registered task runs inline when tasks are eager.
        from . import tasks  # noqa: F401

    def seed_reference_data(self, stdout) -> None:
        from .seeding import seed_reference_data

        seed_reference_data(stdout=stdout)

    def generate_demo_data(self, *, rng, stdout, scale, until=None, years=2, batch_size=5000) -> None:
        """Called first by ``manage.py generate_demo_data``; ``scale`` is the number of items."""
        from .demo import generate_items

        generate_items(rng=rng, stdout=stdout, count=scale, until=until, years=years, batch_size=batch_size)

    def nav_items(self, scope):
        from mttq_portal.navigation import NavItem

        # Citizen links (order < 50: also shown on the home page); staff links from 50.
        staff = []
        if scope.sees_whole_province or scope.front_unit_ids:
            staff.append(NavItem(label=_("Items to handle"), url_name="workspace-queue", order=50))
            staff.append(NavItem(label=_("Record an item"), url_name="workspace-record", order=52))
            staff.append(NavItem(label=_("Import from Excel"), url_name="workspace-import", order=54))
        if scope.agency_ids:
            staff.append(NavItem(label=_("Items to answer"), url_name="workspace-inbox", order=51))
        return [
            *staff,
            NavItem(label=_("Send an opinion or recommendation"), url_name="feedback-submit", order=10),
            NavItem(label=_("Look up"), url_name="feedback-lookup", order=20),
            NavItem(label=_("Public results"), url_name="feedback-public-record", order=30),
        ] + (
            [NavItem(label=_("Overdue list"), url_name="board-overdue", order=80)]
            if scope.is_board_viewer or scope.sees_whole_province
            else []
        )
