"""Files kept across a failed submit: when the form comes back (a field to correct, a likely duplicate to look
at), the files already chosen are checked, held under MEDIA_ROOT by a random token carried in a hidden field,
and joined to the next attempt, so a citizen on a phone does not pick the photos again.

Held files are the checked, re-encoded bytes (EXIF removed), never served to anyone; they are dropped when the
item is submitted, and the sweeper removes those older than ``HELD_UPLOAD_HOURS``."""

import json
import re
import secrets
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from . import uploads

HELD_UPLOAD_HOURS = 24
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{22}$")


def _root(token: str) -> str:
    return f"held/{token}"


def hold(files, *, token: str = "") -> tuple[str, list[str]]:
    """Check ``files`` (raises ApplicationError like a submit) and add them to the held set ``token`` (a new
    one when empty or unknown). Returns (token, the names held)."""
    clean = uploads.check_uploads(files or ())
    held = held_names(token)
    if not held:
        token = secrets.token_urlsafe(16)
    manifest = list(held)
    for n, item in enumerate(clean, start=len(manifest)):
        stored = default_storage.save(f"{_root(token)}/{n}.{item.extension}", ContentFile(item.data))
        manifest.append({"name": item.original_name, "type": item.content_type, "path": stored})
    manifest = manifest[: uploads.max_attachments()]
    _write_manifest(token, manifest)
    return token, [entry["name"] for entry in manifest]


def _write_manifest(token: str, manifest: list) -> None:
    path = f"{_root(token)}/manifest.json"
    if default_storage.exists(path):
        default_storage.delete(path)
    default_storage.save(
        path,
        ContentFile(json.dumps({"at": timezone.now().isoformat(), "files": manifest}).encode()),
    )


def _manifest(token: str) -> dict:
    if not token or not _TOKEN.match(token):
        return {}
    path = f"{_root(token)}/manifest.json"
    if not default_storage.exists(path):
        return {}
    with default_storage.open(path, "rb") as handle:
        data = json.loads(handle.read().decode())
    if timezone.now() - datetime.fromisoformat(data["at"]) > timedelta(hours=HELD_UPLOAD_HOURS):
        return {}
    return data


def held_names(token: str) -> list[dict]:
    return list(_manifest(token).get("files", []))


def take(token: str) -> list[SimpleUploadedFile]:
    """The held files as uploads for the next attempt (checked again by the service)."""
    files = []
    for entry in held_names(token):
        with default_storage.open(entry["path"], "rb") as handle:
            files.append(SimpleUploadedFile(entry["name"], handle.read(), content_type=entry["type"]))
    return files


def drop(token: str) -> None:
    for entry in held_names(token):
        default_storage.delete(entry["path"])
    if token and _TOKEN.match(token) and default_storage.exists(f"{_root(token)}/manifest.json"):
        default_storage.delete(f"{_root(token)}/manifest.json")


def held_uploads_sweep() -> int:
    """Remove held sets older than ``HELD_UPLOAD_HOURS`` (abandoned attempts); safe to run twice."""
    removed = 0
    try:
        tokens, _files = default_storage.listdir("held")
    except FileNotFoundError:
        return 0
    for token in tokens:
        if not _TOKEN.match(token):
            continue
        if _manifest(token):
            continue  # still fresh
        _dirs, names = default_storage.listdir(_root(token))
        for name in names:
            default_storage.delete(f"{_root(token)}/{name}")
        removed += 1
    return removed
