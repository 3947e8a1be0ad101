"""Notifications: the ONE place that decides who is told about what, and the outbox that delivers it.

Deciding and delivering are separate, one module per job:

- ``audiences``: who hears what (``AUDIENCES``), as SQL over a relation of items, the reverse direction of the
  access scope (``organizations.scope``).
- ``wording``: what is said (one subject and one message per template, in the catalogue) and its rendering.
- ``planning``: a decision (an item was submitted, moved, chased) writes outbox rows (``Notification``), one
  per recipient and channel, with a unique ``key``: deciding twice creates nothing the second time. In-app rows
  are delivered by being written (``sent`` at once, unread until opened).
- ``hooks``: what the item services call after their commit (plan, then queue).
- ``queueing``: email and SMS rows are handed to Celery after commit, by task name (the services never import
  ``feedback.tasks``; docs/adr/0152). If the broker is down the rows simply stay ``pending``.
- ``delivery``: a worker claims a row with a conditional UPDATE (``WHERE status = 'pending'``) before sending
  it, so two deliveries of the same message send once; failures are retried with backoff, then ``failed``.
- ``sweeping``: every 30 s the beat releases dead workers' claims and queues what is due and not queued.
- ``inbox``: the bell's unread count, marking read.

Inside ``feedback``, import a name from the module that owns it. The names below are the package's surface for
the other apps (and for code written before the split).
"""

from .audiences import AUDIENCES, EVENT_TEMPLATES, Audience, audience_sql, citizen_may_be_contacted, staff_language
from .delivery import Outcome, notification_deliver, notifications_deliver_many, retry_delay
from .hooks import notify_item_event_on_commit, on_item_moved, on_item_submitted, register_hooks
from .inbox import forget_unread, notifications_mark_read, unread_count
from .planning import notification_send, notify_item_event, notify_item_moved, notify_item_submitted, rows_for_item
from .queueing import notifications_fan_out, notifications_fan_out_queue, notifications_queue
from .sweeping import SweepResult, notifications_sweep
from .wording import CITIZEN_TEMPLATES, RESULT_LABELS, WORDING, Wording, message_context, render_message

__all__ = [
    "AUDIENCES",
    "CITIZEN_TEMPLATES",
    "EVENT_TEMPLATES",
    "RESULT_LABELS",
    "WORDING",
    "Audience",
    "Outcome",
    "SweepResult",
    "Wording",
    "audience_sql",
    "citizen_may_be_contacted",
    "forget_unread",
    "message_context",
    "notification_deliver",
    "notification_send",
    "notifications_deliver_many",
    "notifications_fan_out",
    "notifications_fan_out_queue",
    "notifications_mark_read",
    "notifications_queue",
    "notifications_sweep",
    "notify_item_event",
    "notify_item_event_on_commit",
    "notify_item_moved",
    "notify_item_submitted",
    "on_item_moved",
    "on_item_submitted",
    "register_hooks",
    "render_message",
    "retry_delay",
    "rows_for_item",
    "staff_language",
    "unread_count",
]
