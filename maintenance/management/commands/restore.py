from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maintenance.backups import BackupError, backup_restore


class Command(BaseCommand):
    help = "Replace the database and the uploaded documents with a backup archive's."

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, **options):
        if not options["yes"]:
            answer = input("This replaces the whole database and every upload. Type 'restore': ")
            if answer.strip() != "restore":
                raise CommandError("not restored")
        try:
            manifest = backup_restore(archive_path=Path(options["archive"]))
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored the backup of {manifest['created_at']}.")
