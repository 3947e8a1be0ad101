"""A number on a dashboard, linked to the list of items behind it (hundreds per page: a tag, not an include)."""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.formats import get_format
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


def _grouped(value: object) -> str:
    """``intcomma`` for the whole numbers of the figures (the locale's separator every three digits), without
    its per-call formatting machinery; anything else goes to ``intcomma`` itself."""
    if isinstance(value, int) and not isinstance(value, bool) and get_format("NUMBER_GROUPING") == 3:
        return f"{value:,}".replace(",", str(get_format("THOUSAND_SEPARATOR")))
    return str(intcomma(value))


@register.simple_tag
def num(value: object, url: str | None = None) -> SafeString:
    if url:
        return format_html('<a href="{}">{}</a>', url, _grouped(value))
    return format_html("{}", _grouped(value))
