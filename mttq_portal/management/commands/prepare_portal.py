from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Bring the database up to date before the portal's processes start (`make run`): migrate, seed the "
        "reference data, create the first administrator unless one exists. One process, so one Django start."
    )

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("seed_reference_data", stdout=self.stdout)
        call_command("ensure_admin", stdout=self.stdout)
