"""Evidence files: the type is read from the content (not the name or the browser's claim), the file is
stored under MEDIA_ROOT with an unguessable name and only served through a permission check."""

import hashlib
import secrets
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from mttq_portal.errors import ApplicationError

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


@dataclass(frozen=True)
class CheckedFile:
    upload: object
    extension: str
    content_type: str
    size: int
    sha256: str
    original_name: str


def check_evidence(upload) -> CheckedFile:
    """Refuse a file whose content is not an allowed type or which is too large (message in Vietnamese)."""
    name = (getattr(upload, "name", "") or "file")[-255:]
    size = upload.size
    if size > max_bytes():
        raise ApplicationError(
            _("%(name)s is larger than %(limit)s.") % {"name": name, "limit": filesizeformat(max_bytes())},
            code="evidence_too_large",
            fields={"evidence": [_("File too large.")]},
        )
    upload.seek(0)
    head = upload.read(8192)
    kind = filetype.guess(head)
    extension = kind.extension if kind else ""
    if extension == "jpeg":
        extension = "jpg"
    if extension not in ALLOWED_TYPES:
        raise ApplicationError(
            _("%(name)s is not an accepted evidence file. Accepted: PDF, JPEG, PNG, WebP, Word (.docx), Excel (.xlsx).")
            % {"name": name},
            code="evidence_wrong_type",
            fields={"evidence": [_("Wrong file type.")]},
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedFile(upload, extension, ALLOWED_TYPES[extension], size, digest.hexdigest(), name)


def store(checked: CheckedFile) -> str:
    """Save under an unguessable name; returns the storage name."""
    return default_storage.save(f"programs/evidence/{secrets.token_urlsafe(24)}.{checked.extension}", checked.upload)
