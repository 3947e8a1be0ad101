"""Evidence files: the type is read from the content (not the name or the browser's claim), the file is
stored under MEDIA_ROOT with an unguessable name and only served through a permission check."""

import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from mttq_portal.files import CheckedFile, check_file

# Detected extension → served content type. Office files are zip containers that filetype recognises.
ALLOWED_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MAX_FILES = 10


def max_bytes() -> int:
    return getattr(settings, "PROGRAMS_EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)


def check_evidence(upload) -> CheckedFile:
    """Refuse a file whose content is not an allowed type, is unsafe, or is too large (the one checker,
    ``mttq_portal.files``, ADR 0115); images come back rebuilt from their pixels."""
    return check_file(
        upload,
        max_bytes=max_bytes(),
        allowed=frozenset(ALLOWED_TYPES.values()),
        field="evidence",
        type_message=_(
            "%(name)s is not an accepted evidence file. Accepted: PDF, JPEG, PNG, WebP, Word (.docx), Excel (.xlsx)."
        ),
        type_code="evidence_wrong_type",
        size_code="evidence_too_large",
    )


def store(checked: CheckedFile) -> str:
    """Save under an unguessable name; returns the storage name."""
    name = f"programs/evidence/{secrets.token_urlsafe(24)}.{checked.extension}"
    return default_storage.save(name, ContentFile(checked.data))
