"""Validation of uploaded documents: type by content, size cap, no active content."""

import io
import re
import unicodedata
import zlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    StreamObject,
)

# Keys and action types that make a PDF do things when opened: scripts, launching programs,
# submitting or importing data, carrying other files.
_ACTIVE_KEYS = {"/JS", "/JavaScript", "/EmbeddedFile", "/EmbeddedFiles", "/RichMedia", "/XFA"}
_ACTIVE_ACTIONS = {
    "/JavaScript",
    "/Launch",
    "/SubmitForm",
    "/ImportData",
    "/GoToE",
    "/RichMediaExecute",
}
# Walking the object graph stops here: a normal contract has a few thousand objects.
_MAX_OBJECTS = 50_000
# All compressed streams of one upload may inflate to this much, no more (a ten-megabyte
# file of zeros inflates to gigabytes: a decompression bomb).
MAX_INFLATED_BYTES = 100 * 1024 * 1024


def _inflates_too_much(streams) -> bool:
    """Inflate each Flate stream in pieces, stopping as soon as the total passes the cap,
    so a bomb is recognised without ever holding its output."""
    budget = MAX_INFLATED_BYTES
    for stream in streams:
        filters = stream.get("/Filter")
        first = filters[0] if isinstance(filters, ArrayObject) and filters else filters
        if first != "/FlateDecode":
            continue
        inflater = zlib.decompressobj()
        data = getattr(stream, "_data", b"") or b""
        try:
            chunk = inflater.decompress(data, 1024 * 1024)
            while chunk:
                budget -= len(chunk)
                if budget < 0:
                    return True
                chunk = inflater.decompress(inflater.unconsumed_tail, 1024 * 1024)
        except zlib.error:
            continue  # a damaged stream is the reader's problem, not a bomb
    return False


def _active_content(reader: PdfReader) -> str | None:
    """The first active feature reachable from the document's catalog, or None. Only
    dictionaries are read here; streams are measured by ``_inflates_too_much``."""
    seen: set[tuple[int, int]] = set()
    streams = []
    stack = [reader.trailer]
    visited = 0
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            ref = (node.idnum, node.generation)
            if ref in seen:
                continue
            seen.add(ref)
            node = node.get_object()
        visited += 1
        if visited > _MAX_OBJECTS:
            return _("more than %(count)s objects") % {"count": _MAX_OBJECTS}
        if isinstance(node, DictionaryObject):
            for key in node:
                if key in _ACTIVE_KEYS:
                    return key.lstrip("/")
            action = node.get("/S")
            if isinstance(action, NameObject) and action in _ACTIVE_ACTIONS:
                return action.lstrip("/")
            if node.get("/Type") == "/Filespec" and "/EF" in node:
                return "EmbeddedFile"
            if isinstance(node, StreamObject):
                streams.append(node)
            stack.extend(value for key, value in node.items() if key != "/Parent")
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    if _inflates_too_much(streams):
        return _("a compressed stream that inflates beyond %(size)s") % {
            "size": filesizeformat(MAX_INFLATED_BYTES)
        }
    return None


def validate_pdf_upload(uploaded_file) -> None:
    """Accept a real, inert PDF of at most MAX_UPLOAD_BYTES, whatever the file is called."""
    limit = settings.MAX_UPLOAD_BYTES
    if uploaded_file.size > limit:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(uploaded_file.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    uploaded_file.seek(0)
    head = uploaded_file.read(1024)
    if b"%PDF-" not in head:
        raise ValidationError(
            _("This file is not a PDF. Upload the contract as a PDF file."), code="not_pdf"
        )
    uploaded_file.seek(0)
    try:
        reader = PdfReader(io.BytesIO(uploaded_file.read()))
        if reader.is_encrypted:
            raise ValidationError(
                _(
                    "This PDF is password-protected, so it cannot be checked. Upload an "
                    "unprotected copy."
                ),
                code="encrypted_pdf",
            )
        len(reader.pages)
        active = _active_content(reader)
    except ValidationError:
        raise
    except (
        PyPdfError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        OSError,
        RecursionError,
    ) as error:
        raise ValidationError(
            _("This PDF could not be read (%(reason)s). Save it again as PDF and retry.")
            % {"reason": type(error).__name__},
            code="broken_pdf",
        ) from error
    finally:
        uploaded_file.seek(0)
    if active:
        raise ValidationError(
            _(
                "This PDF contains active content (%(feature)s): scripts, launch actions and "
                "embedded files are not accepted. Print it to a plain PDF and upload that."
            )
            % {"feature": active},
            code="active_pdf",
        )


_UNSAFE_NAME_CHARS = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')


def safe_filename(name: str, default: str = "document.pdf") -> str:
    """A display name for a download: no path, no control or reserved characters, at most
    120 characters, ending in .pdf."""
    name = unicodedata.normalize("NFC", (name or "").replace("\\", "/").rsplit("/", 1)[-1])
    name = _UNSAFE_NAME_CHARS.sub("_", name).strip(" .")
    if not name:
        return default
    stem = name[:-4] if name.lower().endswith(".pdf") else name
    return f"{stem[:116]}.pdf"
