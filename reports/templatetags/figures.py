"""A number on a dashboard, linked to the list of items behind it (hundreds per page: a tag, not an include)."""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def num(value: object, url: str | None = None) -> SafeString:
    if url:
        return format_html('<a href="{}">{}</a>', url, intcomma(value))
    return format_html("{}", intcomma(value))
