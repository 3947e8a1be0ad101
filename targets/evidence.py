"""Evidence files of reported values: the type is read from the content (magic bytes), never the name."""

import hashlib
import uuid

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from mttq_portal.files import check_file

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
MAX_EVIDENCE_FILES = 5
# Detected MIME type -> file extension stored.
ALLOWED_EVIDENCE_TYPES = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
}


def evidence_check(uploaded) -> tuple[bytes, str, str]:
    """Read and check one uploaded file with the one checker (``mttq_portal.files``, ADR 0115): (content,
    detected MIME type, extension) or an ApplicationError. Images come back rebuilt from their pixels."""
    checked = check_file(
        uploaded,
        max_bytes=MAX_EVIDENCE_BYTES,
        allowed=frozenset(ALLOWED_EVIDENCE_TYPES),
        field="evidence",
        type_message=_(
            "“%(name)s” is not a PDF, a picture (JPEG, PNG) or an office document (Word, Excel, OpenDocument)."
        ),
        type_code="evidence_type_not_allowed",
        size_code="evidence_too_large",
    )
    return checked.data, checked.content_type, checked.extension


def evidence_content_file(content: bytes, extension: str) -> tuple[ContentFile, str]:
    """An unguessable stored name (served only through a permission check) and the content's SHA-256."""
    stored = ContentFile(content, name=f"targets/evidence/{uuid.uuid4().hex}.{extension}")
    return stored, hashlib.sha256(content).hexdigest()
