"""The PDF of a certified declaration version.

Rendered from the version's certified content dictionary only (never from the live
rows), in the language the researcher certified in, so that the PDF shows exactly what
was certified and hashed. The HTML comes from an autoescaped Django template; the only
CSS built here is the page footer, whose text is CSS-escaped.
"""

import re

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

from .models import DeclarationVersion
from .presentation import present_application, present_researcher, present_sections

TEMPLATE = "disclosures/pdf/declaration.html"

# Names in present_researcher() come first, in this order: Latin script, kanji, kana.
_NAME_ROWS = 3


class _NoFetching(URLFetcher):
    """Refuse every URL: the PDF needs no external resource and must never reach the
    network or the file system because of something in the content."""

    def fetch(self, url, headers=None):
        raise ValueError(f"Fetching is disabled for certified PDFs: {url}")


def _css_string(text: str) -> str:
    """``text`` as a quoted CSS string: anything but plain printable ASCII letters, digits
    and spaces is written as a CSS hex escape."""
    return '"' + re.sub(r"[^A-Za-z0-9 ]", lambda m: f"\\{ord(m.group()):x} ", text) + '"'


def _css_content(text: str) -> str:
    """A CSS ``content`` value for ``text`` in which each ``\\x00name\\x00`` becomes
    the CSS counter ``name``."""
    tokens = []
    for index, part in enumerate(text.split("\x00")):
        if index % 2:
            tokens.append(f"counter({part})")
        elif part:
            tokens.append(_css_string(part))
    return " ".join(tokens)


def _footer_css(version: DeclarationVersion) -> str:
    """The running footer of every page: the fingerprint on the left, the version and
    page numbers on the right (wherever the translation puts the counters)."""
    # Translators: the footer of every page of the certified PDF; keep all three placeholders.
    pages = _("Version %(number)s · page %(page)s of %(pages)s") % {
        "number": version.number,
        "page": "\x00page\x00",
        "pages": "\x00pages\x00",
    }
    # Translators: the footer of every page of the certified PDF: a 64-digit hash.
    fingerprint = _("SHA-256 %(fingerprint)s") % {"fingerprint": version.fingerprint}
    return f"""
    @page {{
      @bottom-left {{ content: {_css_string(fingerprint)}; }}
      @bottom-right {{ content: {_css_content(pages)}; }}
    }}
    """


def _certified_at(version: DeclarationVersion) -> dict[str, str]:
    """The certification time in the project's time zone: localised, and in ISO 8601 with
    its offset so that nobody has to guess the zone."""
    zone = timezone.get_default_timezone()
    local = timezone.localtime(version.certified_at, zone)
    return {
        "display": date_format(local, "DATETIME_FORMAT"),
        "iso": local.isoformat(timespec="seconds"),
        "zone": str(zone),
    }


def render_context(version: DeclarationVersion) -> dict:
    content = version.content
    researcher_rows = present_researcher(content)
    return {
        "version": version,
        "programme": content["programme"],
        "institution": content["institution"],
        "name_rows": researcher_rows[:_NAME_ROWS],
        "researcher_rows": researcher_rows[_NAME_ROWS:],
        "application_rows": present_application(content),
        "sections": present_sections(content),
        "certified_at": _certified_at(version),
        "certified_by": version.certified_by.get_username() if version.certified_by else "—",
    }


def render_certified_pdf(version: DeclarationVersion) -> bytes:
    """The PDF of a certified version, in the language it was certified in."""
    if not version.is_certified or not version.content:
        raise ValueError("Only a certified version with its content has a PDF.")
    with override(version.language or "en"):
        html = render_to_string(TEMPLATE, render_context(version))
        footer = _footer_css(version)
    fetcher = _NoFetching()
    document = HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[CSS(string=footer, url_fetcher=fetcher)])
