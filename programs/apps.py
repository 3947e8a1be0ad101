from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = _("Programmes")

    def seed_reference_data(self, stdout) -> None:
        """The 13 annex rows verbatim, their milestones and yearly quantities (idempotent)."""
        from .seeding import seed_reference_data

        seed_reference_data(stdout=stdout)

    def nav_items(self, scope):
        from mttq_portal.navigation import NavItem

        if not scope.sees_aggregates:
            return []
        return [
            NavItem(label=_("Programmes"), url_name="programs:programme_list", order=60),
            NavItem(label=_('"Dân vận khéo" models'), url_name="programs:skilful_model_list", order=62),
        ]

    def generate_demo_data(self, *, rng, stdout, scale) -> None:
        """Activities over two years and milestones done on time, done late and left late."""
        from .demo import generate_demo_data

        generate_demo_data(rng=rng, stdout=stdout, scale=scale)
