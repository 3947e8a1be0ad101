"""Reads of the outbox: a user's in-app notifications."""

from django.db.models import QuerySet

from organizations.models import User

from ..models import Notification, NotificationChannel


def notifications_for_user(*, user: User) -> QuerySet[Notification]:
    """The user's own in-app notifications, newest first, with what the list renders."""
    return (
        Notification.objects.filter(recipient_user=user, channel=NotificationChannel.IN_APP)
        .select_related("item__commune", "item__current_agency")
        .order_by("-created_at", "-id")
    )
