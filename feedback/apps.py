from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Feedback")

    def seed_reference_data(self, stdout) -> None:
        from .seeding import seed_reference_data

        seed_reference_data(stdout=stdout)
