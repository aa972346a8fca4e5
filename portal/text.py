"""Lists in running text, joined the way the reader's language joins them (", " in
English, "、" in Japanese)."""

from collections.abc import Iterable

from django.utils.translation import pgettext


def list_separator() -> str:
    return pgettext("list separator", ", ")


def list_join(items: Iterable) -> str:
    return list_separator().join(str(item) for item in items)
