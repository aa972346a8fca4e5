"""Uploaded contracts: real PDFs only, nothing active inside, no bombs, safe names."""

import io
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject, TextStringObject

from disclosures.uploads import safe_filename, validate_pdf_upload
from tests.pdfs import simple_pdf_bytes


def _pdf(build) -> SimpleUploadedFile:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    build(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile("contract.pdf", buffer.getvalue())


def _code(upload) -> str:
    with pytest.raises(ValidationError) as caught:
        validate_pdf_upload(upload)
    return caught.value.code


def test_a_plain_pdf_passes():
    validate_pdf_upload(SimpleUploadedFile("x.pdf", simple_pdf_bytes()))


def _open_action(**entries):
    def build(writer):
        action = DictionaryObject({NameObject(k): v for k, v in entries.items()})
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)

    return build


def test_javascript_is_refused():
    script = _open_action(
        **{"/S": NameObject("/JavaScript"), "/JS": TextStringObject("app.alert('hi');")}
    )
    assert _code(_pdf(script)) == "active_pdf"


def test_an_embedded_file_is_refused():
    assert _code(_pdf(lambda w: w.add_attachment("payload.exe", b"MZ..."))) == "active_pdf"


def test_a_launch_action_is_refused():
    launch = _open_action(**{"/S": NameObject("/Launch"), "/F": TextStringObject("calc.exe")})
    assert _code(_pdf(launch)) == "active_pdf"


def test_an_encrypted_pdf_is_refused():
    assert _code(_pdf(lambda w: w.encrypt("secret"))) == "encrypted_pdf"


def test_a_decompression_bomb_is_refused_without_inflating_it(settings):
    settings.MAX_UPLOAD_BYTES = 10 * 1024 * 1024
    bomb = zlib.compress(b"\0" * (300 * 1024 * 1024), 9)  # 300 MB of zeros, ~300 kB
    assert len(bomb) < 1024 * 1024

    def add_bomb(writer):
        stream = DecodedStreamObject()
        stream.set_data(b"")
        stream._data = bomb
        stream[NameObject("/Filter")] = NameObject("/FlateDecode")
        writer.pages[0][NameObject("/Contents")] = writer._add_object(stream)

    upload = _pdf(add_bomb)
    with pytest.raises(ValidationError) as caught:
        validate_pdf_upload(upload)
    assert caught.value.code == "active_pdf"
    assert "inflates beyond" in caught.value.messages[0]


def test_not_a_pdf_and_too_large(settings):
    assert _code(SimpleUploadedFile("contract.pdf", b"GIF89a....")) == "not_pdf"
    settings.MAX_UPLOAD_BYTES = 100
    assert _code(SimpleUploadedFile("x.pdf", simple_pdf_bytes())) == "too_large"


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/passwd", "passwd.pdf"),
        ("C:\\Users\\me\\契約書.pdf", "契約書.pdf"),
        ('a"b<c>|d\x00e.PDF', "a_b_c__d_e.pdf"),
        ("", "document.pdf"),
        ("x" * 300 + ".pdf", "x" * 116 + ".pdf"),
    ],
)
def test_file_names_are_made_safe(given, kept):
    assert safe_filename(given) == kept
