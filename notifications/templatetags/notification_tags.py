"""Template helpers for e-mail texts."""

from django import template

from notifications.services import absolute_url

register = template.Library()


@register.simple_tag
def portal_url(viewname: str, *args) -> str:
    """An absolute link into the portal (``settings.PORTAL_BASE_URL``), for e-mails."""
    return absolute_url(viewname, *args)
