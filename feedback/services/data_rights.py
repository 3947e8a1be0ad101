"""The citizen's rights over the data of their item (Law 91/2025 on personal data protection, Decree 356/2025;
docs/adr/0126-citizen-data-rights.md).

With the tracking code and the secret a citizen downloads what the portal holds about their item, withdraws
consent to publish or to be contacted (effective at once) and asks for erasure. Every request is a row of the
register (due in 2 working days), an event of the item and a row of the security log; none carries the
person's data. The Front handles an erasure with one action, which erases like the retention run does.
"""

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from mttq_portal.errors import ApplicationError, NotAllowedError
from organizations.audit import security_event_record
from organizations.models import SecurityEventKind, User
from organizations.selectors import AnyUser, user_scope

from ..deadlines import WorkingCalendar
from ..models import (
    Attachment,
    DataRequestKind,
    DataRequestStatus,
    DataSubjectRequest,
    EventKind,
    Item,
    ItemEvent,
    Notification,
    NotificationStatus,
)
from .retention import items_erase

ANSWER_WORKING_DAYS = 2  # Decree 356/2025: a data subject's request is acknowledged within 2 working days


def _due_date() -> date:
    today = timezone.localdate()
    return WorkingCalendar.load(start=today).add_working_days(today, ANSWER_WORKING_DAYS)


def _record(*, item: Item, kind: str, status: str, request: HttpRequest | None = None) -> DataSubjectRequest:
    now = timezone.now()
    row = DataSubjectRequest.objects.create(
        item=item,
        kind=kind,
        status=status,
        due_date=_due_date(),
        handled_at=now if status == DataRequestStatus.DONE else None,
    )
    ItemEvent.objects.create(
        item=item, kind=EventKind.DATA_REQUEST, actor_label="citizen", data={"request": kind, "status": status}
    )
    security_event_record(
        kind=SecurityEventKind.DATA_SUBJECT_REQUEST,
        request=request,
        actor_username="citizen",
        object_type="item",
        object_id=item.pk,
        detail={"request": kind, "status": status},
    )
    return row


def item_data_export(*, item: Item, request: HttpRequest | None = None) -> dict[str, object]:
    """Everything the portal holds about the item that concerns the person: what they gave, their consents,
    what happened to it (the public history and the status changes), the files' names, the messages sent to
    them and their requests. Internal notes of officers are not personal data of the citizen and stay out.

    The document is written out as JSON for the citizen; nothing in the portal reads its keys back."""
    with transaction.atomic():
        _record(item=item, kind=DataRequestKind.ACCESS, status=DataRequestStatus.DONE, request=request)
    events = ItemEvent.objects.filter(item=item).select_related("agency").order_by("created_at", "id")
    return {
        "tracking_code": item.tracking_code,
        "exported_at": timezone.now().isoformat(),
        "item": {
            "type": item.type,
            "category": item.category.name_vi,
            "commune": item.commune.name,
            "residential_area": item.residential_area.name if item.residential_area else None,
            "place": item.address_text,
            "latitude": str(item.latitude) if item.latitude is not None else None,
            "longitude": str(item.longitude) if item.longitude is not None else None,
            "title": item.title,
            "content": item.content,
            "request_text": item.request_text,
            "channel": item.channel,
            "received_at": item.received_at.isoformat(),
            "status": item.status,
            "public_status": item.public_status,
            "responsible_agency": item.current_agency.name if item.current_agency else None,
            "due_date": item.due_date.isoformat() if item.due_date else None,
            "public_answer": item.public_answer,
            "closed_at": item.closed_at.isoformat() if item.closed_at else None,
            "rating": {"satisfied": item.citizen_satisfied, "comment": item.rating_comment},
            "anonymised_at": item.anonymized_at.isoformat() if item.anonymized_at else None,
        },
        "submitter": {
            "anonymous": item.is_anonymous,
            "name": item.submitter_name,
            "phone": item.submitter_phone,
            "email": item.submitter_email,
            "address": item.submitter_address,
        },
        "consents": {
            "processing": item.consent_processing,
            "contact": item.consent_contact,
            "publish": item.consent_publish,
            "privacy_notice_version": item.privacy_notice_version,
            "method": item.consent_method,
        },
        "history": [
            {
                "at": event.created_at.isoformat(),
                "kind": event.kind,
                "from": event.from_status,
                "to": event.to_status,
                "agency": event.agency.name if event.agency else None,
                "note": event.note if event.is_public else "",
            }
            for event in events
        ],
        "files": [
            {"name": a.original_name, "type": a.content_type, "size": a.size, "erased": a.erased_at is not None}
            for a in Attachment.objects.filter(item=item).order_by("id")
        ],
        "messages_to_you": [
            {"channel": n.channel, "message": n.template, "status": n.status, "created_at": n.created_at.isoformat()}
            for n in Notification.objects.filter(item=item, recipient_user__isnull=True).order_by("id")
        ],
        "requests": [
            {"request": r.kind, "status": r.status, "received_at": r.received_at.isoformat()}
            for r in DataSubjectRequest.objects.filter(item=item).order_by("id")
        ],
    }


@transaction.atomic
def item_consent_withdraw(*, item_id: int, consent: str, request: HttpRequest | None = None) -> Item:
    """Withdraw consent to publish (the item leaves the public record at once) or to be contacted (no message
    goes out from now on; the ones waiting are cancelled). Withdrawing twice changes nothing more."""
    item = Item.objects.select_for_update().get(pk=item_id)
    if consent == "publish":
        kind, field = DataRequestKind.WITHDRAW_PUBLISH, "consent_publish"
    elif consent == "contact":
        kind, field = DataRequestKind.WITHDRAW_CONTACT, "consent_contact"
    else:
        raise ApplicationError(_("Unknown consent."), code="invalid_consent")
    if getattr(item, field):
        setattr(item, field, False)
        item.save(update_fields=[field, "updated_at"])
        _record(item=item, kind=kind, status=DataRequestStatus.DONE, request=request)
    if field == "consent_contact":
        Notification.objects.filter(
            item=item, recipient_user__isnull=True, status__in=[NotificationStatus.PENDING, NotificationStatus.SENDING]
        ).update(status=NotificationStatus.CANCELLED)
    return item


def item_erasure_request(*, item_id: int, request: HttpRequest | None = None) -> DataSubjectRequest:
    """File an erasure request in the register (once: a repeat returns the open one)."""
    item = Item.objects.get(pk=item_id)
    if item.anonymized_at is not None:
        raise ApplicationError(_("The personal data of this item has already been erased."), code="already_erased")
    try:
        with transaction.atomic():
            return _record(item=item, kind=DataRequestKind.ERASURE, status=DataRequestStatus.OPEN, request=request)
    except IntegrityError:
        return DataSubjectRequest.objects.get(item=item, kind=DataRequestKind.ERASURE, status=DataRequestStatus.OPEN)


def data_requests_for_user(*, user: AnyUser) -> QuerySet[DataSubjectRequest]:
    """The register, scoped like the items: the Front of the item's commune, the provincial Front, admins."""
    from ..selectors.items import items_for_user

    scope = user_scope(user=user)
    if not (scope.is_admin or scope.is_front_officer):
        return DataSubjectRequest.objects.none()
    return (
        DataSubjectRequest.objects.filter(item__in=items_for_user(user=user).values("id"))
        .select_related("item", "item__commune", "handled_by")
        .order_by("status", "due_date", "id")
    )


@transaction.atomic
def data_request_handle(*, user: User, request_id: int, request: HttpRequest | None = None) -> DataSubjectRequest:
    """The Front's one action on an open erasure request: erase the item's personal data and free text now
    (the statistics stay, as after the retention run). A repeat is a no-op."""
    row = data_requests_for_user(user=user).select_for_update(of=("self",)).filter(pk=request_id).first()
    if row is None:
        raise NotAllowedError(_("This request is not in your register."), code="not_allowed")
    if not row.can_be_handled:
        return row
    Item.objects.select_for_update().filter(pk=row.item_id).first()
    items_erase(item_ids=[row.item_id], reason="erasure_request")
    row.status, row.handled_at, row.handled_by = DataRequestStatus.DONE, timezone.now(), user
    row.save(update_fields=["status", "handled_at", "handled_by"])
    security_event_record(
        kind=SecurityEventKind.DATA_SUBJECT_REQUEST,
        request=request,
        actor=user,
        object_type="item",
        object_id=row.item_id,
        detail={"request": row.kind, "status": "done"},
    )
    return row
