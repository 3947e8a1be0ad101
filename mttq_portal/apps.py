from django.apps import AppConfig
from django.conf import settings


class PortalConfig(AppConfig):
    """The project's own cross-cutting app: first in INSTALLED_APPS, so its start check runs first."""

    name = "mttq_portal"
    verbose_name = "MTTQ Portal"

    def ready(self) -> None:
        from .catalogues import compile_stale_catalogues

        compile_stale_catalogues(settings.LOCALE_PATHS)
