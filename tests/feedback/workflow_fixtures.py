"""Items in any state, for the workflow tests (states are set directly: the tests then move them)."""

from datetime import timedelta

from django.utils import timezone

from feedback.models import DeadlineRule, ExtensionRequest, Status
from tests.factories import ItemFactory

WITH_AGENCY = {
    Status.FORWARDED,
    Status.ANSWERED,
    Status.RESOLVED,
    Status.ON_ROADMAP,
    Status.CANNOT_RESOLVE,
}


def answer_rule():
    return DeadlineRule.objects.get_or_create(
        step="answer",
        item_type="",
        channel="",
        is_active=True,
        defaults={
            "days": 15,
            "day_count": "calendar",
            "max_extensions": 1,
            "extension_days": 15,
            "legal_reference": "Quy chế phối hợp",
        },
    )[0]


def item_in(state, *, commune, agency, **extra):
    today = timezone.localdate()
    fields = {"commune": commune, "status": state}
    if state in WITH_AGENCY:
        fields.update(
            current_agency=agency,
            due_step="answer",
            answer_due_date=today + timedelta(days=10),
            due_rule=answer_rule(),
            forwarded_at=timezone.now(),
        )
        fields["due_date"] = fields["answer_due_date"] if state == Status.FORWARDED else None
    fields.update(extra)
    return ItemFactory(**fields)


def pending_extension(item, agency):
    return ExtensionRequest.objects.create(
        item=item,
        agency=agency,
        reason="Cần xác minh thêm",
        requested_days=10,
        requested_due_date=(item.due_date or timezone.localdate()) + timedelta(days=10),
        previous_due_date=item.due_date,
    )
