"""Tracking codes and lookup secrets.

A code reads aloud in groups of three, e.g. ``DB-26-7KQ-9X4-M2C``: province prefix, year, eight random
characters (40 bits) from Crockford's alphabet (no I, L, O, U: nothing to confuse with 1 or 0) and a Luhn
mod-32 check character, so any single mistyped character or swap of neighbours is caught before a lookup.
The secret is six characters of the same alphabet; only its keyed hash is stored.
"""

import hashlib
import hmac
import re
import secrets

from django.conf import settings
from django.utils import timezone
from vietnam_provinces import Province

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RANDOM_LENGTH = 8
SECRET_LENGTH = 6
_CODE_RE = re.compile(r"^([A-Z]{2,3})-(\d{2})-([0-9A-Z]{3})-([0-9A-Z]{3})-([0-9A-Z]{3})$")
# Characters people confuse, read as the character the alphabet keeps.
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})


def province_prefix() -> str:
    try:
        codename = Province.from_code(settings.PORTAL_PROVINCE_CODE).codename
    except (ValueError, KeyError):
        return "VN"
    return "".join(part[0] for part in codename.split("_")).upper()[:3]


def _check_character(payload: str) -> str:
    """Luhn mod N over the alphabet (N = 32)."""
    n = len(ALPHABET)
    factor, total = 2, 0
    for char in reversed(payload):
        addend = factor * ALPHABET.index(char)
        factor = 1 if factor == 2 else 2
        total += addend // n + addend % n
    return ALPHABET[(n - total % n) % n]


def new_tracking_code(*, year: int | None = None) -> str:
    year = year if year is not None else timezone.localdate().year
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    full = body + _check_character(body)
    return f"{province_prefix()}-{year % 100:02d}-{full[0:3]}-{full[3:6]}-{full[6:9]}"


def normalize_tracking_code(raw: str) -> str | None:
    """Upper-case, tolerate spaces and confusable letters; None when the format or the check fails."""
    if not raw:
        return None
    text = re.sub(r"[\s_.]+", "", raw.upper())
    compact = text.replace("-", "")
    match = re.match(r"^([A-Z]{2,3})(\d{2})([0-9A-Z]{9})$", compact)
    if not match:
        return None
    prefix, year, body = match.groups()
    body = body.translate(_CONFUSABLE)
    if any(ch not in ALPHABET for ch in body) or _check_character(body[:-1]) != body[-1]:
        return None
    code = f"{prefix}-{year}-{body[0:3]}-{body[3:6]}-{body[6:9]}"
    return code if _CODE_RE.match(code) else None


def new_secret() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(SECRET_LENGTH))


def hash_secret(*, tracking_code: str, secret: str) -> str:
    """Keyed hash (fast on purpose: lookups are throttled, and submission throughput matters)."""
    normalized = secret.strip().upper().translate(_CONFUSABLE)
    message = f"{tracking_code}:{normalized}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def secret_matches(*, tracking_code: str, secret: str, secret_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(tracking_code=tracking_code, secret=secret), secret_hash)
