"""Celery tasks of the organizations app; each is safe to run twice."""

from celery import shared_task

from .audit import security_events_purge


@shared_task(name="organizations.purge_security_events", acks_late=True, ignore_result=True)
def purge_security_events() -> int:
    return security_events_purge()
