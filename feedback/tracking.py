"""Tracking codes and lookup secrets.

A code reads aloud in groups of three, e.g. ``DB-26-7KQ-9X4-M2C``: province prefix, year, eight random
characters (40 bits) from Crockford's alphabet (no I, L, O, U: nothing to confuse with 1 or 0) and a Luhn
mod-32 check character, so any single mistyped character or swap of neighbours is caught before a lookup.
The secret is six characters of the same alphabet; only its keyed hash is stored.

The hash key is not ``SECRET_KEY`` (which must be free to rotate) but ``TRACKING_SECRET_KEYS``, newest
first (ADR 0124). A stored hash reads ``<key fingerprint>$<HMAC>``, so verification picks the key that made it
and an operator can count the items still hashed with an old key before retiring it; a hash without a
fingerprint (made before the keys were versioned) is tried against every key.
"""

import hashlib
import hmac
import re
import secrets

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from vietnam_provinces import Province

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
assert len(ALPHABET) == 32  # _random_characters takes 5 bits a character
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


def _random_characters(count: int) -> str:
    """``count`` characters of the alphabet, uniformly and independently drawn: the alphabet's 32 characters are
    5 bits each, so one draw of ``5 * count`` random bits gives them all (one call to the system's generator,
    not one per character)."""
    number = secrets.randbits(5 * count)
    return "".join(ALPHABET[(number >> (5 * i)) & 31] for i in range(count))


def new_tracking_code(*, year: int | None = None) -> str:
    year = year if year is not None else timezone.localdate().year
    body = _random_characters(RANDOM_LENGTH)
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
    return _random_characters(SECRET_LENGTH)


def _keys() -> list[str]:
    keys = [key for key in settings.TRACKING_SECRET_KEYS if key]
    if not keys:
        raise ImproperlyConfigured("TRACKING_SECRET_KEYS must hold at least one key.")
    return keys


def key_fingerprint(key: str) -> str:
    """Names a key without revealing it (stored in front of each hash)."""
    return hashlib.sha256(f"tracking-key:{key}".encode()).hexdigest()[:8]


def _digest(key: str, tracking_code: str, secret: str) -> str:
    normalized = secret.strip().upper().translate(_CONFUSABLE)
    message = f"{tracking_code}:{normalized}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def hash_secret(*, tracking_code: str, secret: str) -> str:
    """Keyed hash with the newest key (fast on purpose: lookups are throttled, and submission throughput matters)."""
    key = _keys()[0]
    return f"{key_fingerprint(key)}${_digest(key, tracking_code, secret)}"


def secret_matches(*, tracking_code: str, secret: str, secret_hash: str) -> bool:
    fingerprint, separator, digest = secret_hash.rpartition("$")
    if separator:
        candidates = [key for key in _keys() if key_fingerprint(key) == fingerprint]
    else:
        candidates, digest = _keys(), secret_hash
    # Every candidate is compared (no early exit), so the time does not tell which key matched.
    matched = False
    for key in candidates:
        matched |= hmac.compare_digest(_digest(key, tracking_code, secret), digest)
    return matched
