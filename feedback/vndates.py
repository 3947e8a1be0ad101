"""Dates as Vietnamese officers write them: dd/mm/yyyy (also with '-' or '.', and two-digit years)."""

import re
from datetime import date, datetime

_DATE_RE = re.compile(r"^\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})\s*$")
_ISO_RE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


def parse_vietnamese_date(value) -> date | None:
    """A date from a cell or a form field; None when it is not a real date. Day first, never month first."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip().lower().removeprefix("ngày").strip()
    match = _DATE_RE.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        if year < 100:
            year += 2000
    else:
        iso = _ISO_RE.match(text)
        if not iso:
            return None
        year, month, day = (int(g) for g in iso.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None
