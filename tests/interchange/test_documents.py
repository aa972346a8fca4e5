"""Contract PDFs are not embedded: their metadata travels in the file, the PDFs beside it."""

import hashlib
import json

import pytest

from disclosures.models import Contract, Document
from disclosures.services import declaration_amend, document_store
from tests.factories import certify, fill_draft, researcher, section_rows, start_application
from tests.pdfs import simple_pdf_upload

from .helpers import empty_database, export, import_path, import_text, lines_of, records

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract_pdf():
    """A certified version with a contract PDF, and an open draft that still has it."""
    user = researcher(username="tanaka.yui")
    document = document_store(user=user, uploaded_file=simple_pdf_upload("契約書 2027.pdf"))
    rows = section_rows()
    rows["contracts"][0]["document"] = document
    application = start_application(user)
    certify(fill_draft(application.declaration.versions.get(), **rows))
    declaration_amend(declaration=application.declaration, user=user)
    return document


def test_with_the_pdfs_beside_the_file_the_round_trip_is_complete(tmp_path, contract_pdf):
    pdfs = tmp_path / "pdfs"
    path = tmp_path / "filings.jsonl"
    export("--output", str(path), "--documents", str(pdfs))
    assert [p.name for p in pdfs.iterdir()] == [f"{contract_pdf.sha256}.pdf"]
    empty_database()

    output = import_path(path, "--documents", str(pdfs))

    assert "contract documents: 1 stored, 1 linked" in output
    document = Document.objects.get()
    assert (document.original_name, document.size, document.sha256) == (
        "契約書 2027.pdf",
        contract_pdf.size,
        contract_pdf.sha256,
    )
    with document.file.open("rb") as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == contract_pdf.sha256
    assert set(Contract.objects.values_list("document", flat=True)) == {document.pk}
    assert export() == path.read_text("utf-8")


def test_without_the_pdfs_the_rows_are_imported_without_a_document(tmp_path, contract_pdf):
    first = export()
    empty_database()

    output = import_text(tmp_path, first)

    assert "2 contract row(s) imported without their PDF, which was not available" in output
    assert Document.objects.count() == 0
    assert list(Contract.objects.values_list("document", flat=True)) == [None, None]
    # The certified version still names its PDF (its certified content does); the draft
    # has lost the link: the one thing a round trip without the PDFs cannot keep.
    before, after = records(first), records(export())
    assert before[:-1] == after[:-1]
    assert before[-1]["sections"]["contracts"][0]["document"]["sha256"] == contract_pdf.sha256
    assert after[-1]["sections"]["contracts"][0]["document"] is None


def test_a_pdf_whose_hash_differs_is_not_used(tmp_path, contract_pdf):
    text = export()
    empty_database()
    pdfs = tmp_path / "pdfs"
    pdfs.mkdir()
    (pdfs / f"{contract_pdf.sha256}.pdf").write_bytes(b"%PDF-1.4 something else")

    output = import_text(tmp_path, text, "--documents", str(pdfs))

    assert "2 contract row(s) imported without their PDF" in output
    assert Document.objects.count() == 0


def test_a_stored_pdf_with_the_same_hash_is_reused(tmp_path, contract_pdf):
    lines = lines_of(export())
    draft = json.loads(lines[-1])
    draft["sections"]["contracts"][0]["document"]["name"] = "renamed.pdf"
    lines[-1] = json.dumps(draft, ensure_ascii=False)

    output = import_text(tmp_path, "\n".join(lines) + "\n")

    assert "contract documents: 1 stored, 0 linked" in output
    renamed = Document.objects.get(original_name="renamed.pdf")
    assert renamed.sha256 == contract_pdf.sha256 and renamed.pk != contract_pdf.pk
