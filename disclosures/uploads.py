"""Validation of uploaded documents: type by content, size cap."""

import io

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PdfReadError


def validate_pdf_upload(uploaded_file) -> None:
    """Accept a real PDF of at most MAX_UPLOAD_BYTES, whatever the file is called."""
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
        len(reader.pages)
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        raise ValidationError(
            _("This PDF could not be read (%(reason)s). Save it again as PDF and retry.")
            % {"reason": type(error).__name__},
            code="broken_pdf",
        ) from error
    finally:
        uploaded_file.seek(0)
