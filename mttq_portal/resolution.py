"""The source document of the portal, kept in the repository: Resolution 21-NQ/TU of 12 March 2026 of the
Standing Committee of the Điện Biên Provincial Party Committee (a public document).

The annex programmes (programs/annex.py) and the targets' wording (targets/resolution_texts.py) are copied
from it verbatim; the tests compare those copies with this file.
"""

from pathlib import Path

RESOLUTION_TEXT = Path(__file__).resolve().parent.parent / "docs" / "resolution" / "21-NQ-TU-2026.txt"


def resolution_text_path() -> Path:
    """Where the resolution's full text lives (UTF-8, the annex's table rows separated by tabs)."""
    return RESOLUTION_TEXT
