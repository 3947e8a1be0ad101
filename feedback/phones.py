"""Vietnamese phone numbers: what people type (0912 345 678, +84 912.345.678, 84-912-345-678) → +84912345678.

Mobile numbers have 9 digits after the country code (prefixes 3, 5, 7, 8, 9); landlines 10, starting with 2
(area code 2xx, e.g. 215 for Điện Biên). The stored form is E.164, so the last four digits used by the
lookup page are the same however the number was typed.
"""

import re

from django.utils.translation import gettext as _

from mttq_portal.errors import ApplicationError

_SEPARATORS = re.compile(r"[\s.\-()/]+")


def normalize_vn_phone(raw: str) -> str:
    """Return the E.164 form, or raise ApplicationError with a Vietnamese-first message."""
    text = _SEPARATORS.sub("", raw or "")
    if text.startswith("+84"):
        national = text[3:]
    elif text.startswith("0084"):
        national = text[4:]
    elif text.startswith("84") and len(text) in (11, 12):
        national = text[2:]
    elif text.startswith("0"):
        national = text[1:]
    else:
        national = ""
    national = national.removeprefix("0")  # "+84 0912..." is a common mix of both forms
    valid = national.isdigit() and (
        (len(national) == 9 and national[0] in "35789") or (len(national) == 10 and national[0] == "2")
    )
    if not valid:
        raise ApplicationError(
            _("Enter a Vietnamese phone number, e.g. 0912 345 678 or +84 912 345 678."),
            code="invalid_phone",
            fields={"submitter_phone": [_("Enter a Vietnamese phone number, e.g. 0912 345 678 or +84 912 345 678.")]},
        )
    return f"+84{national}"


def phone_last_digits(phone: str, count: int = 4) -> str:
    digits = re.sub(r"\D", "", phone or "")
    return digits[-count:] if len(digits) >= count else ""


def is_vn_mobile(phone: str) -> bool:
    """A Vietnamese mobile number (an SMS can reach it): 9 national digits starting 3, 5, 7, 8 or 9.
    Landlines (2xx area codes) and anything malformed are not."""
    try:
        national = normalize_vn_phone(phone).removeprefix("+84")
    except ApplicationError:
        return False
    return len(national) == 9 and national[0] in "35789"
