"""manage.py load_reference KIND FILE --published-on YYYY-MM-DD [--institution ID]
[--format csv|pdf]: one reference file as one snapshot."""

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import Institution
from checks.importers.base import ReferenceImportError
from checks.importers.load import snapshot_load
from checks.models import Snapshot


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--published-on {value!r} is not a date (YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = (
        "Load a reference file (restricted-entity list, ROR dump, ORCID/Crossref/OpenAlex "
        "records, approved outside posts) as one immutable snapshot. A file with errors "
        "changes nothing; the same file loaded twice is loaded once."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=Snapshot.Kind.values)
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--published-on", required=True, type=_date, help="the source's date, YYYY-MM-DD"
        )
        parser.add_argument(
            "--institution", type=int, help="institution id (required for outside_posts)"
        )
        parser.add_argument(
            "--format",
            dest="file_format",
            choices=("csv", "pdf"),
            help="meti_eul only: csv or pdf (default: by the file's content)",
        )
        parser.add_argument(
            "--source-name", help="name recorded for the file (default: the file's name)"
        )
        parser.add_argument(
            "--no-recheck",
            action="store_true",
            help="do not queue the re-check of the filings the new snapshot can change",
        )

    def handle(self, *args, kind, file, published_on, institution, file_format, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        if kind == Snapshot.Kind.OUTSIDE_POSTS and institution is None:
            raise CommandError(
                "outside_posts are an institution's own records: give --institution ID"
            )
        org = None
        if institution is not None:
            org = Institution.objects.filter(pk=institution).first()
            if org is None:
                raise CommandError(f"no institution with id {institution}")
        try:
            result = snapshot_load(
                kind=kind,
                file=file,
                source_name=options.get("source_name") or file.name,
                published_on=published_on,
                institution=org,
                file_format=file_format,
            )
        except ReferenceImportError as exc:
            noun = "error" if exc.total == 1 else "errors"
            self.stderr.write(f"{file.name}: {exc.total} {noun}; nothing was loaded.")
            for number, message in enumerate(exc.messages, start=1):
                self.stderr.write(f"{number:>4}. {message}")
            raise CommandError(f"{exc.total} {noun} in {file.name}", returncode=1) from None
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        snapshot = result.snapshot
        if result.already_loaded:
            self.stdout.write(
                f"Already loaded: snapshot {snapshot.pk} ({snapshot.kind}, "
                f"{snapshot.row_count} rows, sha256 {snapshot.sha256}, loaded "
                f"{timezone.localtime(snapshot.loaded_at):%Y-%m-%d %H:%M}). Nothing changed."
            )
            return
        skipped = f", {result.skipped} skipped" if result.skipped else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded snapshot {snapshot.pk}: {snapshot.kind}, {snapshot.row_count} rows"
                f"{skipped}, sha256 {snapshot.sha256}"
            )
        )
        if not options.get("no_recheck"):
            # As the admin's upload does: the filings this snapshot can change are re-checked.
            from checks.tasks import rescreen_snapshot
            from portal.queue import enqueue_on_commit

            enqueue_on_commit(rescreen_snapshot, snapshot_id=snapshot.pk)
            self.stdout.write("The filings it can change are queued for a re-check.")
