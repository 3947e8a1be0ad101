"""Vietnamese alphabetical order in SQL, on any PostgreSQL (ADR 0182).

PostgreSQL sorts text by its collation. The embedded server of ``make run`` and most clusters run the ``C``
collation (code-point order), where "Đ" comes after "Z" and "Chiềng" before "Chà"; the ICU collation
``vi-x-icu`` that would sort Vietnamese is missing where PostgreSQL was built without ICU (the embedded wheels).
So the order is computed by the query itself, with ``translate()`` and the ``C`` collation that every cluster
has, as the Unicode Collation Algorithm does it for Vietnamese (CLDR ``vi``):

1. the letters, each by its place in the Vietnamese alphabet (a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t
   u ư v x y, with f j w z where Latin puts them), upper and lower case alike, tones ignored;
2. then the tones, vowel by vowel: none, huyền, hỏi, ngã, sắc, nặng (case ignored);
3. then the text as it is (upper before lower case).

``order_by(*vietnamese_order("name"))`` and ``Meta.ordering = vietnamese_order("name")`` use it.
"""

import unicodedata

from django.db.models import CharField, F, Func, Value
from django.db.models.functions import Collate

ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
VOWELS = "aăâeêioôơuưy"
# Combining marks of the five tones, in the dictionary's order after the level tone (ngang).
TONE_MARKS = ("\u0300", "\u0309", "\u0303", "\u0301", "\u0323")  # huyền, hỏi, ngã, sắc, nặng


def _rank_char(rank: int) -> str:
    """Characters that sort in ``rank`` order under the C collation: A-Z, then a-z."""
    return chr(ord("A") + rank) if rank < 26 else chr(ord("a") + rank - 26)


def _tables() -> tuple[str, str, str, str]:
    letters_from, letters_to, tones_from, tones_to = [], [], [], []
    for rank, letter in enumerate(ALPHABET):
        variants = [(letter, 0)]
        if letter in VOWELS:
            variants += [(unicodedata.normalize("NFC", letter + mark), tone) for tone, mark in enumerate(TONE_MARKS, 1)]
        for text, tone in variants:
            for cased in (text, text.upper()):
                assert len(cased) == 1, cased
                letters_from.append(cased)
                letters_to.append(_rank_char(rank))
                if letter in VOWELS:
                    tones_from.append(cased)
                    tones_to.append(str(tone))
        if letter not in VOWELS:  # a consonant's case is the third key's, not the tones'
            tones_from.append(letter.upper())
            tones_to.append(letter)
    return "".join(letters_from), "".join(letters_to), "".join(tones_from), "".join(tones_to)


LETTERS_FROM, LETTERS_TO, TONES_FROM, TONES_TO = _tables()
_LETTERS = str.maketrans(LETTERS_FROM, LETTERS_TO)
_TONES = str.maketrans(TONES_FROM, TONES_TO)


def _translate(field: str, source: str, target: str) -> Collate:
    expression = Func(F(field), Value(source), Value(target), function="translate", output_field=CharField())
    return Collate(expression, "C")


def vietnamese_order(field: str) -> list[Collate]:
    """The three sort keys of ``field`` (a text column, or a path to one such as ``commune__name``)."""
    return [
        _translate(field, LETTERS_FROM, LETTERS_TO),
        _translate(field, TONES_FROM, TONES_TO),
        Collate(F(field), "C"),
    ]


def vietnamese_sort_key(text: str) -> tuple[str, str, str]:
    """The same three keys computed in Python, for lists that are sorted after they are read."""
    nfc = unicodedata.normalize("NFC", text)
    return (
        nfc.translate(_LETTERS),
        nfc.translate(_TONES),
        nfc,
    )
