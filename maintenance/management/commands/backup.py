from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone

from maintenance.backups import backup_create


class Command(BaseCommand):
    help = "Back up the database and the uploaded documents into one archive."

    def add_arguments(self, parser):
        default = f"var/backups/portal-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz"
        parser.add_argument("--output", default=default)

    def handle(self, *args, **options):
        manifest = backup_create(output=Path(options["output"]))
        self.stdout.write(
            f"Backed up the {manifest['engine']} database and {len(manifest['media'])} "
            f"documents to {options['output']}"
        )
