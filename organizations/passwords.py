"""Password validators for staff accounts, added to Django's own (settings.AUTH_PASSWORD_VALIDATORS).

Django's common-password list is English; Vietnamese users pick other words (``matkhau`` is "password",
``anhyeuem`` "I love you") and other shapes (``123456a@`` satisfies naive "letters, digits and a symbol"
rules). The list lives in ``organizations/data/common_passwords_vi.txt`` so it can be extended without code.
"""

import re
from functools import lru_cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from mttq_portal.text import fold_vietnamese

LIST_PATH = Path(__file__).resolve().parent / "data" / "common_passwords_vi.txt"
_SEPARATORS = re.compile(r"[\s\-_.,;:!@#$%^&*+=/\\|~`'\"()\[\]{}<>?]+")
_TRAILING = re.compile(r"[\d\W_]+$")


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    words = set()
    for line in LIST_PATH.read_text(encoding="utf-8").splitlines():
        word = line.split("#", 1)[0].strip()
        if word:
            words.add(_fold(word))
    return frozenset(words)


def _fold(text: str) -> str:
    return fold_vietnamese(text).lower().replace(" ", "")


class VietnameseCommonPasswordValidator:
    """Refuse a password that is a common Vietnamese one, or one of those followed only by digits/symbols."""

    def validate(self, password, user=None):
        folded = _fold(password)
        stem = _TRAILING.sub("", folded)
        words = _common_passwords()
        if folded in words or (len(stem) >= 2 and stem in words) or _SEPARATORS.sub("", folded) in words:
            raise ValidationError(_("This password is too common."), code="password_too_common_vi")

    def get_help_text(self):
        return _("Your password can't be a common Vietnamese password such as “matkhau” or “123456a@”.")


class RepeatedPatternValidator:
    """Refuse passwords made of one short piece repeated (``ay-ay-ay-ay``, ``abcabcabc``, ``aaaa1111``-like)
    or with fewer than ``min_distinct`` different characters."""

    def __init__(self, min_distinct: int = 5):
        self.min_distinct = min_distinct

    def validate(self, password, user=None):
        compact = _SEPARATORS.sub("", password.lower())
        repeated = re.fullmatch(r"(.{1,4}?)\1+", compact) is not None
        if repeated or len(set(compact)) < self.min_distinct:
            raise ValidationError(
                _("This password repeats the same few characters; choose a longer phrase."),
                code="password_repetitive",
            )

    def get_help_text(self):
        return _("Your password can't be one short piece repeated (such as “ay-ay-ay-ay”).")
