"""Attachments are never served from MEDIA_ROOT directly: this view checks who asks.

- Anyone with a signed link made by the lookup page (valid one hour) gets an attachment the Front
  published with the answer (``is_public``) of an answered or closed item.
- Staff get the attachments of items in their scope (their commune, the province, their agency's
  forwarded items); each such access is logged as a personal-data access.
"""

import mimetypes

from django.core import signing
from django.core.files.storage import default_storage
from django.http import Http404
from django.views.decorators.http import require_GET

from mttq_portal.files import file_response

from ..models import Attachment, PersonalDataAccess
from ..selectors.items import item_attachments_for_viewer, item_get_for_user
from ..services.personal_data import personal_data_access_record
from .public import ATTACHMENT_LINK_SECONDS, ATTACHMENT_SALT


def _staff_may_see(user, attachment: Attachment) -> bool:
    """Through the item's scoping selector; and an agency that sees a denunciation only as the answering
    agency never gets the files handed in with it: they may identify the denouncer (Law on Denunciations
    2018, Arts. 8 and 47)."""
    try:
        item = item_get_for_user(user=user, item_id=attachment.item_id)
    except Http404:
        return False
    return item_attachments_for_viewer(item=item).filter(pk=attachment.pk).exists()


@require_GET
def attachment_download(request, pk: int):
    attachment = Attachment.objects.select_related("item", "event").filter(pk=pk, erased_at__isnull=True).first()
    if attachment is None:
        raise Http404
    allowed = False
    token = request.GET.get("t", "")
    if token:
        try:
            data = signing.loads(token, salt=ATTACHMENT_SALT, max_age=ATTACHMENT_LINK_SECONDS)
        except signing.BadSignature:
            data = {}
        allowed = data.get("a") == attachment.id and attachment.is_public and attachment.item.is_published
    if not allowed and request.user.is_authenticated and _staff_may_see(request.user, attachment):
        allowed = True
        personal_data_access_record(
            user=request.user,
            items=[attachment.item],
            action=PersonalDataAccess.Action.VIEW,
            detail=f"attachment {pk}",
            request=request,
            files=True,
        )
    if not allowed:
        raise Http404  # the same answer whether it exists or not
    try:
        handle = default_storage.open(attachment.file.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    return file_response(
        handle,
        filename=attachment.original_name,
        content_type=attachment.content_type or mimetypes.guess_type(attachment.original_name)[0],
    )
