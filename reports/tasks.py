from celery import shared_task

from .services import summary_refresh


@shared_task(acks_late=True, autoretry_for=(Exception,), max_retries=3, retry_backoff=True)
def refresh_summaries(full: bool = False) -> dict:
    """Every few minutes (incremental) and nightly (full); see ADR 0021."""
    return summary_refresh(full=full)
