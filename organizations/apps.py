from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "organizations"
    verbose_name = _("Places and organisations")

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (connects the security log to the login signals)

    def seed_reference_data(self, stdout) -> None:
        """Hook called by ``manage.py seed_reference_data``; each app seeds its own reference data."""
        from .seeding import seed_reference_data

        seed_reference_data(stdout=stdout)

    def generate_demo_data(self, *, rng, stdout, scale) -> None:
        """Residential areas for every commune (demo names), with Front Work Committee heads."""
        from .demo import generate_residential_areas

        generate_residential_areas(rng=rng, stdout=stdout)
