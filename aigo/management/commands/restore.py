"""Restore a backup of `manage.py backup` into an empty database and check it (aigo/db/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from aigo.db.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore BACKUP (a directory made by `manage.py backup`) into an empty database on the owner's server "
        "(created if missing), then compare every table's row count and checksum with the backup's manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", type=Path)
        parser.add_argument("--database", help="the database to restore into (default: DATABASE_URL's, if empty)")

    def handle(self, *args, backup: Path, database: str | None, **options):
        target = database or connections[DEFAULT_DB_ALIAS].settings_dict["NAME"]
        try:
            differ = backup_restore(backup, target, progress=self.stdout.write)
        except BackupError as error:
            raise CommandError(str(error)) from None
        if differ:
            raise CommandError(f"restored, but these tables differ from the backup: {', '.join(differ)}")
        self.stdout.write(self.style.SUCCESS(f"restored into {target}; every table matches the backup"))
