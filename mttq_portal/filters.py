"""Filter fields shared by every API FilterSet: a bad value is a 400 with the error body, never a 500.

django-filter's ``NumberFilter`` takes any decimal, so ``?year=0`` reached ``date(0, 1, 1)`` and
``?commune=1e30`` an integer column: both were server errors on PostgreSQL.
"""

from django import forms
from django_filters import rest_framework as filters

MIN_YEAR, MAX_YEAR = 1900, 2100
MAX_ID = 2**63 - 1


def id_or_none(value: object) -> int | None:
    """A database id read from a query string, a form or a URL: ASCII digits from 1 to 2**63 - 1, else None.

    ``str.isdigit`` is not enough: it accepts "²" (which ``int`` refuses) and numbers past PostgreSQL's
    bigint, which make a query fail instead of finding nothing."""
    text = str(value if value is not None else "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


def year_or_none(value: object) -> int | None:
    """A calendar year between 1900 and 2100 from a query string, else None."""
    text = str(value if value is not None else "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) != 4:
        return None
    year = int(text)
    return year if MIN_YEAR <= year <= MAX_YEAR else None


class YearField(forms.IntegerField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", MIN_YEAR)
        kwargs.setdefault("max_value", MAX_YEAR)
        super().__init__(*args, **kwargs)


class IdField(forms.IntegerField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class YearFilter(filters.NumberFilter):
    """A calendar year between 1900 and 2100."""

    field_class = YearField


class IdFilter(filters.NumberFilter):
    """A database id (a positive 64-bit integer)."""

    field_class = IdField
