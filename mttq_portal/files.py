"""THE upload checker and THE file-serving helper of every app (feedback attachments, programme and target
evidence; ADR 0115).

Checking (``check_file``): the type comes from the bytes (``filetype``), never the name or the browser's claim.
- Images (JPEG, PNG, WebP) are decoded and rebuilt from their pixels only: no EXIF (GPS, camera serial), no
  ICC profile, no comment (a JPEG ``COM`` segment can carry ``<script>``: Pillow would copy it on re-save),
  nothing appended. The photo is first turned upright from its EXIF orientation.
- Office files (DOCX, XLSX, ODT, ODS) are zip archives: the right parts must be there, macros
  (``vbaProject.bin``) are refused, and the archive must not inflate beyond ``MAX_INFLATED_BYTES`` nor by
  more than ``MAX_RATIO`` - by the sizes it declares and by the bytes it really yields (declared sizes can lie).
- PDFs are parsed (pypdf): a file that does not parse or has no page is a fake; one that carries active
  content (``/JavaScript``, ``/JS``, ``/OpenAction``, ``/AA``, ``/Launch``, ``/EmbeddedFile(s)``,
  ``/RichMedia``, ``/XFA``) is refused.
- SVG, HTML, scripts and anything unrecognised are refused.

Serving (``file_response``): always as an attachment, with ``X-Content-Type-Options: nosniff``, a sandboxing
``Content-Security-Policy`` and ``Cache-Control: no-store``.
"""

import contextlib
import hashlib
import io
import logging
import zipfile
from dataclasses import dataclass

import filetype
from django.http import FileResponse
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import ApplicationError

logger = logging.getLogger(__name__)

JPEG, PNG, WEBP, PDF = "image/jpeg", "image/png", "image/webp", "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
EXTENSIONS = {JPEG: "jpg", PNG: "png", WEBP: "webp", PDF: "pdf", DOCX: "docx", XLSX: "xlsx", ODT: "odt", ODS: "ods"}
IMAGE_FORMATS = {JPEG: "JPEG", PNG: "PNG", WEBP: "WEBP"}
DEFAULT_TYPES = frozenset({JPEG, PNG, WEBP, PDF, DOCX, XLSX})

MAX_PIXELS = 40_000_000  # a decompression bomb is refused before decoding
MAX_IMAGE_SIDE = 2560
MAX_INFLATED_BYTES = 100 * 1024 * 1024
MAX_RATIO = 100
MAX_ZIP_MEMBERS = 5000
PDF_ACTIVE_KEYS = frozenset(
    {"/JavaScript", "/JS", "/OpenAction", "/AA", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/RichMedia", "/XFA"}
)
MAX_PDF_OBJECTS = 200_000


@dataclass(frozen=True)
class CheckedFile:
    """A checked file, ready to be stored: the bytes to keep (rebuilt for images)."""

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


class _Refused(Exception):
    pass


def safe_name(name: str) -> str:
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    base = "".join(ch for ch in base if ch.isprintable())
    return base[:200] or "tep"


def read_limited(upload, limit: int) -> bytes:
    """At most limit + 1 bytes, so an oversized upload is refused without reading it all into memory."""
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


# ---- images ---------------------------------------------------------------------------------------------


def rebuild_image(data: bytes, mime: str) -> bytes:
    """Decode and write a new file from the pixels alone (no metadata, no comment, nothing appended)."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.width * probe.height > MAX_PIXELS:
                raise _Refused(_("The picture is too large (too many pixels)."))
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            image.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
            wanted = "RGB" if mime == JPEG or image.mode in ("RGB", "CMYK", "YCbCr", "L") else "RGBA"
            if image.mode != wanted:
                image = image.convert(wanted)
            # A new image from the raw pixels: no ``info`` (comment, EXIF, ICC, XMP) survives.
            pixels = Image.frombytes(wanted, image.size, image.tobytes())
        out = io.BytesIO()
        options = {"quality": 85, "optimize": True} if mime == JPEG else {"quality": 85} if mime == WEBP else {}
        pixels.save(out, format=IMAGE_FORMATS[mime], **options)
        return out.getvalue()
    except _Refused:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise _Refused(_("The picture could not be read; it may be damaged.")) from None


# ---- office archives ------------------------------------------------------------------------------------


def _check_archive(archive: zipfile.ZipFile, compressed_size: int) -> None:
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise _Refused(_("The document has too many parts."))
    declared = sum(m.file_size for m in members)
    if declared > MAX_INFLATED_BYTES or declared > MAX_RATIO * max(compressed_size, 1):
        raise _Refused(_("The document inflates to an unreasonable size (a compression bomb)."))
    actual = 0
    for member in members:
        with archive.open(member) as stream:
            while chunk := stream.read(1024 * 1024):
                actual += len(chunk)
                if actual > MAX_INFLATED_BYTES or actual > MAX_RATIO * max(compressed_size, 1):
                    raise _Refused(_("The document inflates to an unreasonable size (a compression bomb)."))


def office_kind(data: bytes) -> str | None:
    """DOCX, XLSX, ODT or ODS when the archive is one and is safe to keep; raises _Refused for a bomb."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                return None
            kind = None
            if "[Content_Types].xml" in names:
                if any(n.startswith("word/") for n in names):
                    kind = DOCX
                elif any(n.startswith("xl/") for n in names):
                    kind = XLSX
            elif "mimetype" in names:
                declared = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
                kind = declared if declared in (ODT, ODS) else None
            if kind is not None:
                _check_archive(archive, len(data))
            return kind
    except _Refused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, NotImplementedError, EOFError):
        return None


# ---- PDF ------------------------------------------------------------------------------------------------


def _pdf_active_content(reader) -> str | None:
    """The first active-content key found in any object reachable from the trailer, else None."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    seen: set[tuple[int, int]] = set()
    stack = [reader.trailer]
    count = 0
    while stack:
        node = stack.pop()
        count += 1
        if count > MAX_PDF_OBJECTS:
            return "too many objects"
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            node = node.get_object()
        if isinstance(node, DictionaryObject):
            for key, value in node.items():
                if key in PDF_ACTIVE_KEYS:
                    return key
                if key in ("/S",) and value in ("/JavaScript", "/Launch"):
                    return str(value)
                stack.append(value)
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    return None


def check_pdf(data: bytes) -> None:
    if not data.startswith(b"%PDF-"):
        raise _Refused(_("This is not a PDF file."))
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError, PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise _Refused(_("Encrypted PDF files are not accepted."))
        if len(reader.pages) == 0:
            raise _Refused(_("This PDF has no page; it may be damaged or fake."))
        found = _pdf_active_content(reader)
    except _Refused:
        raise
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError, OSError):
        raise _Refused(_("This PDF could not be read; it may be damaged or fake.")) from None
    if found:
        logger.info("PDF refused: active content %s", found)
        raise _Refused(_("PDF files with scripts, actions or embedded files are not accepted."))


# ---- the one checker ------------------------------------------------------------------------------------


def check_file(
    upload,
    *,
    max_bytes: int,
    allowed=DEFAULT_TYPES,
    field: str = "attachments",
    type_message: str = "",
    type_code: str = "file_type_refused",
    size_code: str = "file_too_large",
) -> CheckedFile:
    """Check one uploaded file; ApplicationError (400, in the user's language, on ``field``) when refused.

    ``type_message`` (with ``%(name)s``) and the codes let each app keep the words its users know."""
    name = safe_name(getattr(upload, "name", "") or "")

    def refuse(message: str, code: str) -> ApplicationError:
        return ApplicationError(message, code=code, fields={field: [message]})

    too_large = _("“%(name)s” is larger than %(mb)s MB.") % {"name": name, "mb": max_bytes // (1024 * 1024)}
    declared = getattr(upload, "size", None)
    if declared is not None and declared > max_bytes:
        raise refuse(too_large, size_code)
    data = read_limited(upload, max_bytes)
    if len(data) > max_bytes:
        raise refuse(too_large, size_code)
    if not data:
        raise refuse(_("“%(name)s” is empty.") % {"name": name}, "file_empty")
    kind = filetype.guess(data)
    mime = kind.mime if kind else None
    try:
        if mime in ("application/zip", DOCX, XLSX, ODT, ODS):
            mime = office_kind(data)
        if mime not in allowed:
            message = (type_message or _("“%(name)s” is not an accepted kind of file.")) % {"name": name}
            raise refuse(message, type_code)
        if mime in IMAGE_FORMATS:
            data = rebuild_image(data, mime)
        elif mime == PDF:
            check_pdf(data)
    except _Refused as refused:
        raise refuse(f"“{name}”: {refused.args[0]}", "file_refused") from None
    return CheckedFile(name, mime, EXTENSIONS[mime], data)


def file_response(handle, *, filename: str, content_type: str) -> FileResponse:
    """Every download of a stored file: an attachment the browser neither sniffs, runs nor keeps."""
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
