"""Checking and storing citizens' attachments.

The type is decided from the file's bytes (``filetype``), never from its name or the browser's claim.
Allowed: JPEG, PNG, WebP, PDF, DOCX, XLSX. Office files are zip archives: they must contain ``word/`` or
``xl/`` and ``[Content_Types].xml``; macro-enabled parts (``vbaProject.bin``) are refused. SVG, HTML,
scripts and anything unrecognised are refused. Images are decoded and re-encoded with Pillow, which drops
EXIF (GPS position, camera serial) and anything appended to the file; the photo is first turned upright
from its EXIF orientation. Files are stored under MEDIA_ROOT with random names; nothing serves MEDIA_ROOT
directly: the permission-checked view in ``views/attachments.py`` streams them.
"""

import contextlib
import hashlib
import io
import secrets
import zipfile
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from mttq_portal.errors import ApplicationError

IMAGE_TYPES = {"image/jpeg": ("JPEG", "jpg"), "image/png": ("PNG", "png"), "image/webp": ("WEBP", "webp")}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OTHER_TYPES = {"application/pdf": "pdf", DOCX: "docx", XLSX: "xlsx"}
# A decompression bomb is refused before decoding (pixels, about 40 megapixels).
MAX_PIXELS = 40_000_000
MAX_IMAGE_SIDE = 2560


def max_attachments() -> int:
    return getattr(settings, "FEEDBACK_MAX_ATTACHMENTS", 5)


def max_attachment_bytes() -> int:
    return getattr(settings, "FEEDBACK_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024)


@dataclass(frozen=True)
class CleanFile:
    """A checked file, ready to be stored: the bytes to keep (re-encoded for images)."""

    original_name: str
    content_type: str
    extension: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def _refuse(message: str, code: str = "invalid_attachment") -> ApplicationError:
    return ApplicationError(message, code=code, fields={"attachments": [message]})


def _read(upload, limit: int) -> bytes:
    """Read at most limit + 1 bytes, so an oversized upload is refused without reading it all into memory."""
    if hasattr(upload, "seek"):
        with contextlib.suppress(OSError, ValueError):
            upload.seek(0)
    if hasattr(upload, "chunks"):
        buffer = bytearray()
        for chunk in upload.chunks():
            buffer += chunk
            if len(buffer) > limit:
                break
        return bytes(buffer)
    return upload.read(limit + 1)


def _safe_name(name: str) -> str:
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    base = "".join(ch for ch in base if ch.isprintable())
    return base[:200] or "tep"


def _office_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "[Content_Types].xml" not in names or any(n.lower().endswith("vbaproject.bin") for n in names):
        return None
    if any(n.startswith("word/") for n in names):
        return DOCX
    if any(n.startswith("xl/") for n in names):
        return XLSX
    return None


def _reencode_image(data: bytes, mime: str) -> bytes:
    pil_format, _ext = IMAGE_TYPES[mime]
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.width * probe.height > MAX_PIXELS:
                raise _refuse(_("The picture is too large (too many pixels)."))
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            image.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
            if pil_format == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            elif image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
                image = image.convert("RGBA")
            out = io.BytesIO()
            # No exif= / icc_profile= arguments: the new file carries the pixels only.
            options = {"quality": 85, "optimize": True} if pil_format == "JPEG" else {}
            if pil_format == "WEBP":
                options = {"quality": 85}
            image.save(out, format=pil_format, **options)
            return out.getvalue()
    except ApplicationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise _refuse(_("The picture could not be read; it may be damaged.")) from None


def check_upload(upload) -> CleanFile:
    """Check one uploaded file (a Django UploadedFile or any object with name and read()/chunks())."""
    name = _safe_name(getattr(upload, "name", "") or "")
    limit = max_attachment_bytes()
    declared = getattr(upload, "size", None)
    if declared is not None and declared > limit:
        raise _refuse(
            _("“%(name)s” is larger than %(mb)s MB.") % {"name": name, "mb": limit // (1024 * 1024)},
            code="attachment_too_large",
        )
    data = _read(upload, limit)
    if len(data) > limit:
        raise _refuse(
            _("“%(name)s” is larger than %(mb)s MB.") % {"name": name, "mb": limit // (1024 * 1024)},
            code="attachment_too_large",
        )
    if not data:
        raise _refuse(_("“%(name)s” is empty.") % {"name": name})
    kind = filetype.guess(data)
    mime = kind.mime if kind else None
    if mime in ("application/zip", DOCX, XLSX):
        mime = _office_kind(data)
    if mime in IMAGE_TYPES:
        return CleanFile(name, mime, IMAGE_TYPES[mime][1], _reencode_image(data, mime))
    if mime == "application/pdf" and data.startswith(b"%PDF-"):
        return CleanFile(name, mime, "pdf", data)
    if mime in (DOCX, XLSX):
        return CleanFile(name, mime, OTHER_TYPES[mime], data)
    raise _refuse(
        _("“%(name)s” is not an accepted file. Send photos (JPEG, PNG, WebP), PDF, Word (.docx) or Excel (.xlsx).")
        % {"name": name},
        code="attachment_type_refused",
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
