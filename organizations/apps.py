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
