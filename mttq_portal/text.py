"""Vietnamese text folding for accent-insensitive search ("muong phang" finds "Mường Phăng")."""

import unicodedata


def fold_vietnamese(text: str) -> str:
    """Lower-case, strip diacritics (đ → d included), collapse white space."""
    if not text:
        return ""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.lower().split())
