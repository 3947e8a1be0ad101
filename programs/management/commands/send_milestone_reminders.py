import datetime

from django.core.management.base import BaseCommand, CommandError

from programs.reminders import milestone_reminders_send


class Command(BaseCommand):
    help = "Send the milestone reminders due today (14 and 3 days before), once each. Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Pretend today is this date (YYYY-MM-DD).")

    def handle(self, *args, today=None, **options):
        try:
            day = datetime.date.fromisoformat(today) if today else None
        except ValueError as exc:
            raise CommandError(f"--today must be YYYY-MM-DD: {exc}") from exc
        sent = milestone_reminders_send(today=day)
        self.stdout.write(f"{sent} reminder(s) sent.")
