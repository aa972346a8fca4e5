import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape


@pytest.fixture
def contract_pdf_upload():
    """A real PDF whose text is ``text``, made with WeasyPrint."""
    from weasyprint import HTML

    def make(text: str, name: str = "contract.pdf") -> SimpleUploadedFile:
        data = HTML(string=f"<p>{escape(text)}</p>").write_pdf()
        return SimpleUploadedFile(name, data, content_type="application/pdf")

    return make
