import random
import time as clock
from datetime import date, datetime, time

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone


class Command(BaseCommand):
    help = (
        "Generate realistic demo data: feedback items over two years (with forwards, answers on time and late, "
        "extensions, disputes and every event), then every app's own demo data through its AppConfig hook "
        "`generate_demo_data(self, *, rng, stdout, scale)`. Reproducible for a seed and an end date."
    )

    def add_arguments(self, parser):
        parser.add_argument("--items", type=int, default=2000, help="number of feedback items (default 2000)")
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument("--until", help="last day of the simulated period, YYYY-MM-DD (default: now)")
        parser.add_argument("--years", type=int, default=2, help="length of the simulated period (default 2)")
        parser.add_argument("--batch-size", type=int, default=5000)

    def handle(self, *args, items, seed, until, years, batch_size, **options):
        if items < 0 or batch_size < 1 or years < 1:
            raise CommandError("--items must be >= 0, --batch-size and --years >= 1.")
        end = None
        if until:
            try:
                end = timezone.make_aware(datetime.combine(date.fromisoformat(until), time(23)))
            except ValueError as exc:
                raise CommandError("--until must be a date such as 2026-11-30.") from exc
        rng = random.Random(seed)
        feedback = apps.get_app_config("feedback")
        began = started = clock.monotonic()
        self.stdout.write(f"Feedback items ({items:,}, seed {seed})…")
        feedback.generate_demo_data(
            rng=rng, stdout=self.stdout, scale=items, until=end, years=years, batch_size=batch_size
        )
        self.stdout.write(f"  {clock.monotonic() - started:.1f} s")
        for config in apps.get_app_configs():
            hook = getattr(config, "generate_demo_data", None)
            if config is feedback or not callable(hook):
                continue
            started = clock.monotonic()
            self.stdout.write(f"{config.verbose_name}…")
            hook(rng=rng, stdout=self.stdout, scale=items)
            self.stdout.write(f"  {clock.monotonic() - started:.1f} s")
        self.stdout.write(self.style.SUCCESS(f"Demo data generated in {clock.monotonic() - began:.0f} s."))
