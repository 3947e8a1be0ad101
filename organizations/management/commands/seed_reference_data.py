from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from organizations.seeding import UnknownProvinceError


class Command(BaseCommand):
    help = (
        "Seed the reference data (places, organisations, and every app's own reference data). "
        "Idempotent: a second run changes nothing."
    )

    def handle(self, *args, **options):
        try:
            with transaction.atomic():
                # Apps seed in INSTALLED_APPS order, so later apps find the organisations they link to.
                for config in apps.get_app_configs():
                    seeder = getattr(config, "seed_reference_data", None)
                    if callable(seeder):
                        seeder(stdout=self.stdout)
        except UnknownProvinceError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS("Reference data is up to date."))
