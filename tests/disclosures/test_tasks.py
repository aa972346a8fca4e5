import pytest

from disclosures.models import CertifiedPdf
from tests.conftest import wait_for
from tests.factories import certify, fill_draft, researcher, start_application


def test_the_real_worker_archives_the_pdf_after_certification(celery_worker_process):
    application = start_application(researcher())
    version = certify(fill_draft(application.declaration.versions.get()))

    pdf = wait_for(lambda: CertifiedPdf.objects.filter(version=version).first())

    with pdf.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert "disclosures.archive_certified_pdf" in celery_worker_process.log_path.read_text()


@pytest.mark.django_db
def test_archiving_task_is_harmless_to_rerun_and_ignores_drafts():
    from disclosures.tasks import archive_certified_pdf

    application = start_application(researcher())
    draft = fill_draft(application.declaration.versions.get())
    archive_certified_pdf(version_id=draft.pk)
    assert not CertifiedPdf.objects.exists()
    version = certify(draft)
    archive_certified_pdf(version_id=version.pk)
    archive_certified_pdf(version_id=version.pk)
    archive_certified_pdf(version_id=999_999)
    assert CertifiedPdf.objects.filter(version=version).count() == 1
