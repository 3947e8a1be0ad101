"""The vi and en catalogues are complete: every user-facing string is extracted and translated, none fuzzy."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
IGNORE = shutil.ignore_patterns(
    ".venv",
    ".git",
    "media",
    "staticfiles",
    "var",
    "node_modules",
    "*.pyc",
    "__pycache__",
    "*.mo",
    ".pytest_cache",
    ".ruff_cache",
    "bench",
    "vendor",
)


def _statistics(po: Path) -> tuple[int, int, int]:
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)], capture_output=True, text=True, check=True
    )
    text = result.stderr
    numbers = {}
    for key in ("translated", "fuzzy", "untranslated"):
        match = re.search(rf"(\d+) {key}", text)
        numbers[key] = int(match.group(1)) if match else 0
    return numbers["translated"], numbers["fuzzy"], numbers["untranslated"]


def test_catalogues_in_the_repository_are_complete():
    for language in ("vi", "en"):
        translated, fuzzy, untranslated = _statistics(ROOT / "locale" / language / "LC_MESSAGES" / "django.po")
        assert translated > 0
        assert fuzzy == 0, f"{language}: {fuzzy} fuzzy entries"
        assert untranslated == 0, f"{language}: {untranslated} untranslated entries"


def test_every_string_in_the_code_is_in_the_catalogues(tmp_path):
    copy = tmp_path / "src"
    shutil.copytree(ROOT, copy, ignore=IGNORE)
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "vi",
            "-l",
            "en",
            "--no-location",
            "--ignore=bench",
            "--ignore=static",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "mttq_portal.settings.base",
            "DATABASE_URL": "postgres://catalogues@127.0.0.1:5432/catalogues",
        },
    )
    for language in ("vi", "en"):
        _translated, fuzzy, untranslated = _statistics(copy / "locale" / language / "LC_MESSAGES" / "django.po")
        assert fuzzy == 0
        assert untranslated == 0, f"{language}: {untranslated} strings are missing; run `make messages` and translate"
