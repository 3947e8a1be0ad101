"""The outbox's item and event references carry no database constraint (docs/adr/0173); what the constraint
gave is kept: the ORM still refuses to delete an item or an event a notification points to (and the chase's
tests check that its rows point at rows that exist)."""

import pytest
from django.db import connection
from django.db.models import ProtectedError

from feedback.models import ItemEvent, Notification, NotificationChannel
from feedback.services.intake import item_submit


def _foreign_keys_of_the_outbox() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.attname FROM pg_constraint c JOIN pg_attribute a"
            " ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey)"
            " WHERE c.contype = 'f' AND c.conrelid = 'feedback_notification'::regclass"
        )
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db
def test_only_the_recipient_is_checked_by_the_database():
    assert _foreign_keys_of_the_outbox() == {"recipient_user_id"}


@pytest.mark.django_db
def test_an_item_or_event_with_a_notification_still_cannot_be_deleted(submit_kwargs, officer_a):
    item = item_submit(**submit_kwargs).item
    event = ItemEvent.objects.filter(item=item).first()
    Notification.objects.create(
        key="t:outbox-ref", template="digest", channel=NotificationChannel.IN_APP, recipient_user=officer_a,
        item=item, event=event,
    )  # fmt: skip

    with pytest.raises(ProtectedError):
        ItemEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(ProtectedError):
        item.delete()
