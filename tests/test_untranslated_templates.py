"""Every text a template shows is marked for translation.

Each template under templates/ (and under any app's templates/) is split into Django's
tokens (django.template.base.Lexer); the text outside {% translate %}, {% blocktranslate %}
and comments is then read as HTML (html.parser) with every tag and variable taken out. A
text node, or a title, alt, placeholder or aria-label attribute, or the value of a button,
that still has a letter in it is reported with its file and line, unless all its words are
on the short allow-list below (names that are the same in every language).
"""

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.template.base import Lexer, TokenType

BASE_DIR = Path(__file__).resolve().parent.parent
SUFFIXES = {".html", ".txt"}

# Names and symbols that are written the same in every language the portal speaks.
ALLOWED = (
    "ORCID",
    "ORCID iD",
    "ROR",
    "PDF",
    "CSV",
    "XLSX",
    "SHA-256",
    "e-Rad",
    "JSON",
    "URL",
    "Chart.js",
    "Bootstrap",
)
_ALLOWED = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(re.escape(a) for a in sorted(ALLOWED, key=len, reverse=True))
    + r")(?![\w-])"
)
_LETTER = re.compile(r"[^\W\d_]")

TRANSLATED_BLOCKS = {"blocktranslate": "endblocktranslate", "blocktrans": "endblocktrans"}
SKIPPED_BLOCKS = {"comment": "endcomment", "verbatim": "endverbatim"}
# Admin blocks whose content goes into an attribute, not onto the page.
ATTRIBUTE_BLOCKS = {"bodyclass", "coltype"}
CHECKED_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label"}
BUTTON_INPUTS = {"submit", "button", "reset"}
RAW_TEXT_TAGS = {"script", "style"}


@dataclass(frozen=True)
class Unmarked:
    path: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text!r}"


def visible_html(source: str) -> str:
    """The template with every tag, variable, comment and translated text taken out; each
    token keeps its newlines, so that a line of the result is the same line of ``source``."""
    parts: list[str] = []
    closing: str | None = None  # the end tag of the block being skipped
    for token in Lexer(source).tokenize():
        newlines = "\n" * token.contents.count("\n")
        if token.token_type == TokenType.BLOCK:
            name, *arguments = token.contents.split() or [""]
            if closing is None and name in TRANSLATED_BLOCKS | SKIPPED_BLOCKS:
                closing = (TRANSLATED_BLOCKS | SKIPPED_BLOCKS)[name]
            elif closing is None and name == "block" and arguments[0] in ATTRIBUTE_BLOCKS:
                closing = "endblock"
            elif name == closing:
                closing = None
            parts.append(newlines)
        elif token.token_type == TokenType.TEXT and closing is None:
            parts.append(token.contents)
        else:  # a variable, a comment, or text inside a translated or skipped block
            parts.append(newlines)
    return "".join(parts)


def _shows_words(text: str) -> bool:
    return bool(_LETTER.search(_ALLOWED.sub("", text)))


class _TextFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self._raw_text = 0

    def _report(self, text: str) -> None:
        if _shows_words(text):
            # A text node starts where the tag before it ends: count down to its first word.
            first_word = _LETTER.search(text).start()
            line = self.getpos()[0] + text[:first_word].count("\n")
            self.found.append((line, " ".join(text.split())))

    def handle_starttag(self, tag, attrs):
        if tag in RAW_TEXT_TAGS:
            self._raw_text += 1
        attributes = dict(attrs)
        for name, value in attrs:
            if name in CHECKED_ATTRIBUTES and value:
                self._report(value)
        is_button = tag == "button" or (
            tag == "input" and (attributes.get("type") or "").lower() in BUTTON_INPUTS
        )
        if is_button and attributes.get("value"):
            self._report(attributes["value"])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in RAW_TEXT_TAGS:
            self._raw_text -= 1

    def handle_endtag(self, tag):
        if tag in RAW_TEXT_TAGS and self._raw_text:
            self._raw_text -= 1

    def handle_data(self, data):
        if not self._raw_text:
            self._report(data)


def unmarked_strings(source: str, path: str = "<template>") -> list[Unmarked]:
    """The texts of a template that are shown to people but not marked for translation."""
    finder = _TextFinder()
    finder.feed(visible_html(source))
    finder.close()
    return [Unmarked(path, line, text) for line, text in finder.found]


def template_files() -> list[Path]:
    roots = [BASE_DIR / "templates"]
    roots += [
        path
        for path in BASE_DIR.glob("*/templates")
        if path.is_dir() and not path.parent.name.startswith(".")
    ]
    return sorted(path for root in roots for path in root.rglob("*") if path.suffix in SUFFIXES)


# --- the checker itself ----------------------------------------------------------------


def test_an_unmarked_text_node_is_found_with_its_line():
    source = (
        "{% load i18n %}\n"
        "<h1>{% translate 'Review queue' %}</h1>\n"
        "<p>{{ count }} filings waiting</p>\n"
    )
    assert unmarked_strings(source, "queue.html") == [Unmarked("queue.html", 3, "filings waiting")]


def test_unmarked_attributes_and_button_values_are_found():
    source = (
        '<img src="x.png" alt="Logo of the agency">\n'
        '<input type="search" placeholder="{% translate "Search" %}" aria-label="Search">\n'
        '<input type="submit" value="Go">\n'
        '<input type="hidden" name="next" value="home">\n'
        '<a href="/" title="{{ title }}">{% translate "Home" %}</a>\n'
    )
    assert [(u.line, u.text) for u in unmarked_strings(source)] == [
        (1, "Logo of the agency"),
        (2, "Search"),
        (3, "Go"),
    ]


def test_marked_texts_variables_comments_scripts_and_allowed_names_pass():
    source = (
        "{% load i18n %}{# a comment with words #}\n"
        "{% comment %}Words in a comment{% endcomment %}\n"
        "<p>{% blocktranslate with n=count %}{{ n }} filing\n"
        "in the queue{% endblocktranslate %}</p>\n"
        "<p>{% translate 'Status' context 'flag' %}: {{ flag.get_status_display }}</p>\n"
        "<td>ORCID iD · SHA-256 · PDF (e-Rad) — {{ orcid }}</td>\n"
        "<script>window.words = 'not shown';</script><style>a { color: red }</style>\n"
        "<!-- a note for developers -->\n"
    )
    assert unmarked_strings(source) == []


def test_line_numbers_survive_multiline_blocks():
    source = (
        "{% blocktranslate %}one\ntwo\nthree{% endblocktranslate %}\n"
        "{% if x %}\n"
        "{% comment %}\nmore\nwords{% endcomment %}\n"
        "{% endif %}{% block bodyclass %}app-{{ label }}{% endblock %}\n"
        "<p>\n  Unmarked</p>\n"
    )
    assert unmarked_strings(source) == [Unmarked("<template>", 10, "Unmarked")]


# --- the portal's templates ------------------------------------------------------------


def test_templates_are_found():
    names = {path.relative_to(BASE_DIR).as_posix() for path in template_files()}
    assert "templates/base.html" in names
    assert "templates/notifications/endorsed_body.txt" in names


@pytest.mark.parametrize(
    "path", template_files(), ids=lambda path: path.relative_to(BASE_DIR).as_posix()
)
def test_every_visible_text_is_marked_for_translation(path):
    relative = path.relative_to(BASE_DIR).as_posix()
    found = unmarked_strings(path.read_text(encoding="utf-8"), relative)
    assert not found, "mark these for translation ({% translate %}):\n" + "\n".join(
        str(item) for item in found
    )
