"""``{% load portal_text %}``: lists joined in the page's language.

``{{ names|list_join }}`` joins strings; in a loop whose items hold markup,
``{% if not forloop.last %}{% list_separator %}{% endif %}`` puts the same separator
between them.
"""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from portal import text

register = template.Library()


@register.filter(needs_autoescape=True)
def list_join(items, autoescape=True) -> str:
    escape = conditional_escape if autoescape else str
    return mark_safe(  # noqa: S308 - every item is escaped, and so is the separator
        escape(text.list_separator()).join(escape(item) for item in items if item)
    )


@register.simple_tag
def list_separator() -> str:
    return text.list_separator()
