"""``manage.py anonymise_closed_items``: the retention job (also run nightly by beat)."""

from django.core.management.base import BaseCommand

from feedback.services.retention import closed_items_anonymise


class Command(BaseCommand):
    help = "Erase the submitter's personal data of items closed longer ago than RETENTION_ANONYMISE_AFTER_DAYS."

    def handle(self, *args, **options):
        self.stdout.write(f"{closed_items_anonymise()} items anonymised")
