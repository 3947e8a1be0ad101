from django.core.management.base import BaseCommand, CommandError

from mttq_portal.errors import ApplicationError
from targets.models import RollupTrigger
from targets.periods import period_bounds
from targets.services.rollup import rollup_compliance


class Command(BaseCommand):
    help = "Recompute the targets' computed values of a year (its halves and quarters) and upsert them."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="The year, e.g. 2026")

    def handle(self, *args, period: str, **options):
        try:
            kind, year, _start, _end = period_bounds(period)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        if kind != "year":
            raise CommandError("The rollup runs for a whole year: --period 2026")
        run = rollup_compliance(year=year, trigger=RollupTrigger.COMMAND)
        self.stdout.write(f"Rollup {run.period_code}: {run.rows} rows in {run.duration_ms} ms (run {run.id}).")
