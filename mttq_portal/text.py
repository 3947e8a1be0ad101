"""Vietnamese text folding for accent-insensitive search ("muong phang" finds "Mường Phăng")."""

import unicodedata


class _WithoutMarks(dict):
    """A ``str.translate`` table that drops combining marks (category Mn), filled per code point on first sight."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.category(chr(code)) == "Mn" else code
        self[code] = kept
        return kept


_WITHOUT_MARKS = _WithoutMarks()


def fold_vietnamese(text: str) -> str:
    """Lower-case, strip diacritics (đ → d included), collapse white space."""
    if not text:
        return ""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = decomposed.translate(_WITHOUT_MARKS)
    return " ".join(stripped.lower().split())
