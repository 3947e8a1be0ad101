from celery import shared_task

from .reminders import milestone_reminders_send


@shared_task(
    name="programs.send_milestone_reminders",
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=60,
    retry_kwargs={"max_retries": 5},
)
def send_milestone_reminders() -> int:
    """Daily: reminders 14 and 3 days before each open milestone (once each, see programs/reminders.py)."""
    return milestone_reminders_send()
