"""Reference data in the sources' own formats: parsers (pure, no database) and the loader
that writes one file as one immutable snapshot. See docs/reference-data.md."""

from .base import MAX_ERRORS, ParseResult, ReferenceImportError, RowError
from .csl import parse_csl
from .meti import parse_meti, parse_meti_csv, parse_meti_pdf
from .opensanctions import parse_opensanctions
from .orcid import parse_orcid
from .outside_posts import parse_outside_posts
from .ror import parse_ror
from .works import parse_crossref, parse_openalex

__all__ = [
    "MAX_ERRORS",
    "ParseResult",
    "ReferenceImportError",
    "RowError",
    "parse_crossref",
    "parse_csl",
    "parse_meti",
    "parse_meti_csv",
    "parse_meti_pdf",
    "parse_openalex",
    "parse_opensanctions",
    "parse_orcid",
    "parse_outside_posts",
    "parse_ror",
]
