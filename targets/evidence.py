"""Evidence files of reported values: the type is read from the content (magic bytes), never the name."""

import hashlib
import uuid

import filetype
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from mttq_portal.errors import ApplicationError

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
    """Read and check one uploaded file: (content, detected MIME type, extension) or an ApplicationError."""
    name = getattr(uploaded, "name", "") or "file"
    if uploaded.size > MAX_EVIDENCE_BYTES:
        raise ApplicationError(
            _("“%(name)s” is larger than 10 MB.") % {"name": name}, code="evidence_too_large", fields={"evidence": []}
        )
    content = uploaded.read()
    if not content:
        raise ApplicationError(_("“%(name)s” is empty.") % {"name": name}, code="evidence_empty")
    kind = filetype.guess(content)
    mime = kind.mime if kind else ""
    if mime not in ALLOWED_EVIDENCE_TYPES:
        raise ApplicationError(
            _("“%(name)s” is not a PDF, a picture (JPEG, PNG) or an office document (Word, Excel, OpenDocument).")
            % {"name": name},
            code="evidence_type_not_allowed",
        )
    return content, mime, ALLOWED_EVIDENCE_TYPES[mime]


def evidence_content_file(content: bytes, extension: str) -> tuple[ContentFile, str]:
    """An unguessable stored name (served only through a permission check) and the content's SHA-256."""
    stored = ContentFile(content, name=f"targets/evidence/{uuid.uuid4().hex}.{extension}")
    return stored, hashlib.sha256(content).hexdigest()
