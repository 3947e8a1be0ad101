"""One date format everywhere, in both languages."""

from datetime import date

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.formats import date_format


@pytest.mark.parametrize("language", ["vi", "en"])
def test_one_date_format_in_both_languages(language):
    with translation.override(language):
        short = date_format(date(2026, 11, 30), "SHORT_DATE_FORMAT")
        default = Template("{{ d|date }}").render(Context({"d": date(2026, 11, 30)}))

    assert short == default == "30/11/2026"


def test_one_wording_for_the_code_and_the_secret():
    from pathlib import Path

    from django.conf import settings

    catalogue = (Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    msgstrs = "\n".join(line for line in catalogue.splitlines() if not line.startswith("msgid"))

    assert "mật mã" not in msgstrs.lower()
    assert "mã theo dõi" not in msgstrs.lower()
    assert "mã bí mật" in msgstrs
