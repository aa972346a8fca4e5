"""Small PDF files made on the fly for upload tests."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter


def simple_pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def simple_pdf_upload(name: str = "agreement.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, simple_pdf_bytes(), content_type="application/pdf")
