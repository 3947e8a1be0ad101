"""The in-app inbox: the bell's unread count and marking notifications read."""

from collections.abc import Iterable, Sequence

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.utils import timezone

from organizations.models import User

from ...models import Notification, NotificationChannel

UNREAD_CACHE_SECONDS = 60


def _unread_key(user_id: int) -> str:
    return f"notifications:unread:{user_id}"


def unread_count(*, user: User | AnonymousUser | None) -> int:
    """The bell's number. Cached briefly (the shell shows it on every staff page and must not add a query to
    each); writes through this package drop the cached value, the set-based chase lets it expire."""
    if not isinstance(user, User):
        return 0
    key = _unread_key(user.pk)
    count = cache.get(key)
    if not isinstance(count, int):
        count = Notification.objects.filter(
            recipient_user=user, channel=NotificationChannel.IN_APP, read_at__isnull=True
        ).count()
        cache.set(key, count, UNREAD_CACHE_SECONDS)
    return count


def forget_unread(user_ids: Iterable[int]) -> None:
    cache.delete_many([_unread_key(uid) for uid in set(user_ids)])


def notifications_mark_read(*, user: User, notification_ids: Sequence[int] | None = None) -> int:
    """Mark the user's in-app notifications read (all of them when no ids are given)."""
    qs = Notification.objects.filter(recipient_user=user, channel=NotificationChannel.IN_APP, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(id__in=list(notification_ids))
    changed = qs.update(read_at=timezone.now())
    forget_unread([user.pk])
    return changed
