"""Checking and storing citizens' attachments.

The checks are the project's one upload checker (``mttq_portal.files.check_file``, ADR 0115): JPEG, PNG,
WebP rebuilt from their pixels, PDF parsed and refused with active content, DOCX and XLSX checked against
macros and compression bombs. Files are stored under MEDIA_ROOT with random names; nothing serves
MEDIA_ROOT directly: the permission-checked view in ``views/attachments.py`` streams them.
"""

import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _

from mttq_portal.errors import ApplicationError
from mttq_portal.files import DOCX, JPEG, PDF, PNG, WEBP, XLSX, CheckedFile, check_file

ACCEPTED = frozenset({JPEG, PNG, WEBP, PDF, DOCX, XLSX})
CleanFile = CheckedFile  # the name the intake and workflow services know


def max_attachments() -> int:
    return getattr(settings, "FEEDBACK_MAX_ATTACHMENTS", 5)


def max_attachment_bytes() -> int:
    return getattr(settings, "FEEDBACK_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024)


def _refuse(message: str, code: str = "invalid_attachment") -> ApplicationError:
    return ApplicationError(message, code=code, fields={"attachments": [message]})


def check_upload(upload) -> CheckedFile:
    """Check one uploaded file with the one checker (``mttq_portal.files``)."""
    return check_file(
        upload,
        max_bytes=max_attachment_bytes(),
        allowed=ACCEPTED,
        field="attachments",
        type_message=_(
            "“%(name)s” is not an accepted file. Send photos (JPEG, PNG, WebP), PDF, Word (.docx) or Excel (.xlsx)."
        ),
        type_code="attachment_type_refused",
        size_code="attachment_too_large",
    )


def check_uploads(uploads) -> list[CleanFile]:
    uploads = [u for u in uploads if u]
    if len(uploads) > max_attachments():
        raise _refuse(_("Send at most %(count)s files.") % {"count": max_attachments()}, code="too_many_attachments")
    return [check_upload(upload) for upload in uploads]


def store(clean: CleanFile) -> str:
    """Save under MEDIA_ROOT with an unguessable name; returns the storage name."""
    today = timezone.localdate()
    name = f"feedback/{today:%Y/%m}/{secrets.token_urlsafe(24)}.{clean.extension}"
    return default_storage.save(name, ContentFile(clean.data))
