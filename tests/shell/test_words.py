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
