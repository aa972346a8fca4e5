from celery import shared_task

from .models import DeclarationVersion
from .services import certified_pdf_archive


@shared_task(name="disclosures.archive_certified_pdf")
def archive_certified_pdf(*, version_id: int) -> None:
    """Render and keep the PDF of a certified version. Re-running is harmless."""
    version = DeclarationVersion.objects.certified().filter(pk=version_id).first()
    if version is None:
        return
    certified_pdf_archive(version=version)
