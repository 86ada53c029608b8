"""Back up the primary into a directory of its own (aigo/db/backup.py); run as the tables' owner."""

from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from aigo.db.backup import BackupError, backup_create
from aigo.release import release_id


class Command(BaseCommand):
    help = (
        "Write a consistent pg_dump (custom format) of the app's database with a manifest of row counts and "
        "checksums into AIGO_BACKUP_DIR/<UTC time>-<release>/, or --output."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="the backup's directory (must not exist)")

    def handle(self, *args, output: Path | None, **options):
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        folder = output or Path(settings.AIGO_BACKUP_DIR) / f"{stamp}-{release_id().replace('/', '-')}"
        try:
            backup_create(folder, progress=self.stdout.write)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"backup written to {folder}"))
