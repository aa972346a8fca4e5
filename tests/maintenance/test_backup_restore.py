"""make backup / make restore round-trip the database and the uploads."""

import hashlib
import tarfile

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from disclosures.content import certified_content_is_intact
from disclosures.models import CertifiedPdf, DeclarationVersion, Document
from disclosures.services import certified_pdf_archive, document_store
from funding.models import Application
from tests.factories import certify, fill_draft, researcher, section_rows, start_application
from tests.pdfs import simple_pdf_upload


def _digest(field_file) -> str:
    with field_file.open("rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_brings_back_database_and_documents(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the backup drill runs against PostgreSQL (pg_dump/pg_restore)")
    user = researcher()
    document = document_store(user=user, uploaded_file=simple_pdf_upload())
    application = start_application(user)
    rows = {"contracts": [{**section_rows()["contracts"][0], "document": document}]}
    version = certify(fill_draft(application.declaration.versions.get(), **rows))
    pdf = certified_pdf_archive(version=version)
    document_hash, pdf_hash = _digest(document.file), _digest(pdf.file)
    archive = tmp_path / "portal.tar.gz"

    call_command("backup", "--output", str(archive))

    # After the backup: a new filing, and an upload lost from the disk.
    later = start_application(researcher(), title="Filed after the backup")
    document.file.storage.delete(document.file.name)

    call_command("restore", str(archive), "--yes")

    assert not Application.objects.filter(pk=later.pk).exists()
    restored = DeclarationVersion.objects.get(pk=version.pk)
    assert restored.fingerprint == version.fingerprint
    assert certified_content_is_intact(restored)
    assert _digest(Document.objects.get(pk=document.pk).file) == document_hash
    assert _digest(CertifiedPdf.objects.get(version=restored).file) == pdf_hash
    with connection.cursor() as cursor:  # the immutability triggers came back too
        cursor.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgname LIKE %s", ["%certified%immutable%"]
        )
        assert cursor.fetchone()[0] == 7


@pytest.mark.django_db(transaction=True)
def test_a_damaged_archive_changes_nothing(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the backup drill runs against PostgreSQL (pg_dump/pg_restore)")
    application = start_application(researcher())
    archive = tmp_path / "portal.tar.gz"
    call_command("backup", "--output", str(archive))
    later = start_application(researcher(), title="Kept")

    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member)
            if member.name == "database.pgdump":
                content = bytearray(data.read())
                content[-10] ^= 0xFF
                import io

                member.size = len(content)
                target.addfile(member, io.BytesIO(bytes(content)))
            else:
                target.addfile(member, data)
    with pytest.raises(CommandError, match="does not match its checksum"):
        call_command("restore", str(damaged), "--yes")
    assert Application.objects.filter(pk__in=[application.pk, later.pk]).count() == 2
