"""Vietnamese wherever the portal starts: no page shown in Vietnamese carries an English source string, and a
fresh clone started without `compilemessages` serves Vietnamese (ADR 0101)."""

import html
import os
import re
import subprocess
import sys

import polib
import pytest
from django.conf import settings

from tests.shell.clone import ROOT, copy_repository

PUBLIC_PAGES = ["/", "/gui-y-kien/", "/tra-cuu/", "/cong-khai/", "/thong-bao-du-lieu-ca-nhan/", "/accounts/login/"]


def _visible_text(content: bytes) -> str:
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", content.decode(), flags=re.S)
    return html.unescape(text)


def _translated_msgids() -> list[str]:
    """English source strings long enough not to occur by chance, whose Vietnamese differs."""
    catalogue = polib.pofile(str(ROOT / "locale" / "vi" / "LC_MESSAGES" / "django.po"))
    return [
        e.msgid
        for e in catalogue.translated_entries()
        if e.msgstr and e.msgstr != e.msgid and len(e.msgid) >= 12 and " " in e.msgid and "%" not in e.msgid
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_a_vietnamese_page_shows_no_english_source_string(client, seeded, path):
    msgids = _translated_msgids()
    # Given the page in English: the source strings it shows
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = _visible_text(client.get(path).content)
    shown = [m for m in msgids if m in english]
    assert len(shown) >= 3, f"{path} shows too few catalogue strings in English to check: {shown}"

    # When the same page is shown in Vietnamese (the default: no cookie)
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    response = client.get(path)
    vietnamese = _visible_text(response.content)

    # Then none of those English strings remains, and the page says it is Vietnamese
    assert response.status_code == 200
    assert [m for m in shown if m in vietnamese] == []
    assert '<html lang="vi"' in response.content.decode()


def test_a_fresh_clone_started_without_compilemessages_speaks_vietnamese(tmp_path):
    # Given a copy with the catalogues' sources only (what a clone has)
    app = copy_repository(tmp_path / "clone")
    assert not list((app / "locale").rglob("*.mo"))
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "mttq_portal.settings.base",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:5432/not-connected",
    }

    # When Django starts there (as `manage.py runserver` does) and translates a menu entry and a page title
    code = (
        "import django; django.setup(); from django.utils import translation; translation.activate('vi'); "
        "print(translation.gettext('Home')); print(translation.gettext('Administration'))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=app, env=env, capture_output=True, text=True, check=False)

    # Then it speaks Vietnamese, and the compiled catalogues are there for the next start
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["Trang chủ", "Quản trị"]
    assert (app / "locale" / "vi" / "LC_MESSAGES" / "django.mo").exists()
