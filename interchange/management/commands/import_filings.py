"""``manage.py import_filings filings.jsonl [--documents DIR] [--dry-run]``"""

import shutil
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from interchange.importer import ImportFailed, import_file


class Command(BaseCommand):
    help = (
        "Import filings from JSON Lines (docs/interchange.md). Every line is checked first; "
        "on any error nothing is imported and the command exits with status 1."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the .jsonl file, or - for standard input")
        parser.add_argument(
            "--documents",
            metavar="DIR",
            help="a directory of contract PDFs named <sha256>.pdf (as export_filings "
            "--documents writes them)",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check everything, including against the database, then import nothing",
        )

    def handle(self, *args, path, documents=None, dry_run=False, **options):
        documents_dir = Path(documents) if documents else None
        if documents_dir is not None and not documents_dir.is_dir():
            raise CommandError(f"--documents: {documents} is not a directory")
        if path == "-":
            with tempfile.NamedTemporaryFile(suffix=".jsonl") as spool:
                shutil.copyfileobj(sys.stdin.buffer, spool)
                spool.flush()
                return self._import(Path(spool.name), documents_dir, dry_run)
        if not Path(path).is_file():
            raise CommandError(f"{path}: no such file")
        return self._import(Path(path), documents_dir, dry_run)

    def _import(self, path: Path, documents_dir: Path | None, dry_run: bool) -> None:
        try:
            report = import_file(path, documents_dir=documents_dir, dry_run=dry_run)
        except ImportFailed as failed:
            for line, message in failed.errors:
                self.stderr.write(f"line {line}: {message}" if line else message)
            if failed.total > len(failed.errors):
                self.stderr.write(f"... and {failed.total - len(failed.errors)} more")
            raise CommandError(
                f"{failed.total} error(s); nothing was imported", returncode=1
            ) from None
        verb = "would import (dry run, nothing written)" if dry_run else "imported"
        self.stdout.write(f"{path.name}: {verb}")
        for record_type, counts in report.counts.items():
            self.stdout.write(f"  {record_type}: {counts}")
        if report.documents_linked or report.documents_stored:
            self.stdout.write(
                f"  contract documents: {report.documents_stored} stored, "
                f"{report.documents_linked} linked to PDFs already here"
            )
        if report.documents_missing:
            lines = ", ".join(str(line) for line, _sha in report.documents_missing[:10])
            more = "" if len(report.documents_missing) <= 10 else ", ..."
            self.stdout.write(
                self.style.WARNING(
                    f"  {len(report.documents_missing)} contract row(s) imported without their "
                    f"PDF, which was not available (lines {lines}{more})"
                )
            )
