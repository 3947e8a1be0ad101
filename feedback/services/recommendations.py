"""The Front's and its member organisations' own recommendations (kiến nghị) to party committees and
authorities: target A1's subject (ADR 0143).

A recommendation is a feedback item like any other (one matter, one focal point, one deadline, one result):
who recommended is its source organisation, to whom is the agency it is forwarded to, when is its date, and
the answer and the result are recorded through the usual workflow. Recording one accepts it (the
organisation vetted it when it wrote it) and forwards it to its addressee in one transaction.
"""

from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mttq_portal.errors import ApplicationError
from organizations.models import Organization, User

from ..models import Channel, ConsentMethod, Item, ItemType
from ..selectors.figures import A1_SOURCE_KINDS
from . import workflow as wf
from .intake import item_submit
from .recording import PRIVACY_NOTICE_RECORDED, _check_officer

RECOMMENDATION_TYPES = (
    ItemType.FRONT_RECOMMENDATION,
    ItemType.OVERSIGHT_RECOMMENDATION,
    ItemType.CRITIQUE_RECOMMENDATION,
    ItemType.RECOMMENDATION,
)
CHANNEL_FOR_TYPE = {
    ItemType.OVERSIGHT_RECOMMENDATION: Channel.OVERSIGHT,
    ItemType.CRITIQUE_RECOMMENDATION: Channel.SOCIAL_CRITIQUE,
}


def recommendation_record(
    *,
    user: User,
    source_organization_id: int,
    addressee_id: int,
    commune_id: int,
    category_id: int,
    title: str,
    content: str,
    type: str = ItemType.FRONT_RECOMMENDATION,
    request_text: str = "",
    made_on: date | None = None,
) -> Item:
    """Record a recommendation of ``source_organization`` to ``addressee`` (an agency), made on ``made_on``,
    and forward it: its answer deadline comes from the rule for its type (``forward_due_date``)."""
    if type not in RECOMMENDATION_TYPES:
        message = _("Choose the kind of recommendation.")
        raise ApplicationError(message, code="required", fields={"type": [message]})
    source = Organization.objects.filter(pk=source_organization_id, is_active=True).first()
    if source is None or source.kind not in A1_SOURCE_KINDS:
        message = _(
            "Choose the Front committee, its Standing Board, a socio-political organisation or a mass association "
            "that made the recommendation."
        )
        raise ApplicationError(
            message, code="not_a_recommending_organization", fields={"source_organization": [message]}
        )
    if made_on is not None and made_on > timezone.localdate():
        message = _("The date of the recommendation is in the future.")
        raise ApplicationError(message, code="invalid_date", fields={"made_on": [message]})
    _check_officer(user, commune_id)
    received_at = timezone.make_aware(datetime.combine(made_on, time(8))) if made_on else None
    with transaction.atomic():
        result = item_submit(
            type=type,
            category_id=category_id,
            commune_id=commune_id,
            title=title,
            content=content,
            request_text=request_text,
            channel=CHANNEL_FOR_TYPE.get(ItemType(type), Channel.IN_PERSON),
            source_organization_id=source.pk,
            privacy_notice_version=PRIVACY_NOTICE_RECORDED,
            consent_method=ConsentMethod.WRITTEN,
            is_anonymous=True,
            created_by=user,
            received_at=received_at,
        )
        wf.item_accept_and_forward(user=user, item_id=result.item.pk, agency_id=addressee_id)
    result.item.refresh_from_db()
    return result.item
