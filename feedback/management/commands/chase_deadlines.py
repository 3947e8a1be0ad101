"""``manage.py chase_deadlines [--date YYYY-MM-DD]``: one run of the deadline chase (beat runs it every 15
minutes). Safe to run at any time, twice, or at the same time as beat: each chase is sent once."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from feedback.services.deadlines import deadlines_chase


class Command(BaseCommand):
    help = "Send the due reminders, overdue notices and escalations (once each)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Run as if today were this date (YYYY-MM-DD).")

    def handle(self, *args, **options):
        today = None
        if options["date"]:
            try:
                today = date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError("--date must be YYYY-MM-DD") from exc
        result = deadlines_chase(today=today)
        if result.skipped_day_off:
            self.stdout.write(f"{result.day}: not a working day, nothing sent")
            return
        levels = ", ".join(f"{level} {count}" for level, count in result.chases.items())
        self.stdout.write(f"{result.day}: {levels}; {result.notifications} notifications, {result.queued} queued")
