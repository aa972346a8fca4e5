"""``manage.py export_filings [--programme CODE] [--since DATE] > filings.jsonl``"""

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from funding.models import Programme
from interchange.exporter import Export, copy_documents
from interchange.jsonl import encode_record

BATCH = 200  # lines per write


def _day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--since: {value!r} is not a date as YYYY-MM-DD") from None


class Command(BaseCommand):
    help = (
        "Write filings (institutions, agencies, programmes, researchers, applications and "
        "every declaration version) as JSON Lines; see docs/interchange.md."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--programme", metavar="CODE", help="only the applications to this programme"
        )
        parser.add_argument(
            "--since",
            metavar="DATE",
            help="only applications created, or with a version certified, on or after DATE "
            "(YYYY-MM-DD, in the portal's time zone)",
        )
        parser.add_argument(
            "-o", "--output", metavar="FILE", help="write to FILE instead of standard output"
        )
        parser.add_argument(
            "--documents",
            metavar="DIR",
            help="also copy the exported contracts' PDFs to DIR, as <sha256>.pdf",
        )

    def handle(self, *args, programme=None, since=None, output=None, documents=None, **options):
        if programme is not None and not Programme.objects.filter(code=programme).exists():
            raise CommandError(f"--programme: there is no programme {programme!r}")
        export = Export(programme=programme, since=_day(since) if since else None)
        if output:
            with open(output, "w", encoding="utf-8", newline="\n") as stream:
                self._write(export, stream.write)
        else:
            buffer = getattr(self.stdout, "buffer", None)
            if buffer is not None:  # a real stream: UTF-8 whatever the locale says
                self.stdout.flush()
                self._write(export, lambda text: buffer.write(text.encode("utf-8")))
                buffer.flush()
            else:
                self._write(export, lambda text: self.stdout.write(text, ending=""))
        if documents:
            copied, missing = copy_documents(export, Path(documents))
            self.stderr.write(f"{copied} contract PDF(s) copied to {documents}", self.style.SUCCESS)
            for sha256 in missing:
                self.stderr.write(f"PDF {sha256} is missing from storage; not copied")

    def _write(self, export: Export, write) -> None:
        lines = []
        for record in export.records():
            lines.append(encode_record(record))
            if len(lines) == BATCH:
                write("\n".join(lines) + "\n")
                lines = []
        if lines:
            write("\n".join(lines) + "\n")
