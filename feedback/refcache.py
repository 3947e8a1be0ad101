"""A per-process cache of the small reference tables a submission reads (communes, categories, the
deadline rules, the calendar exceptions, running campaigns), so a submission costs two INSERTs.

Entries expire after ``REFERENCE_CACHE_SECONDS`` (default 60) and are dropped at once in the process
that saves or deletes a row of those tables; other web processes see an administrator's change within
that time. See docs/adr/0013-rate-limits-in-the-shared-cache.md (section "reference data").
"""

import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models.signals import post_delete, post_save

_lock = threading.Lock()
_entries: dict[str, tuple[float, Any]] = {}


def cached(name: str, loader: Callable[[], Any]) -> Any:
    ttl = getattr(settings, "REFERENCE_CACHE_SECONDS", 60)
    now = time.monotonic()
    entry = _entries.get(name)
    if entry is not None and entry[0] > now:
        return entry[1]
    value = loader()
    with _lock:
        _entries[name] = (now + ttl, value)
    return value


def clear(*_args, **_kwargs) -> None:
    with _lock:
        _entries.clear()


def connect_signals() -> None:
    """Called from FeedbackConfig.ready()."""
    from organizations.models import AdministrativeUnit

    from .models import CalendarException, Campaign, Category, DeadlineRule

    for model in (AdministrativeUnit, Category, CalendarException, Campaign, DeadlineRule):
        post_save.connect(clear, sender=model, dispatch_uid=f"refcache-save-{model.__name__}")
        post_delete.connect(clear, sender=model, dispatch_uid=f"refcache-delete-{model.__name__}")
