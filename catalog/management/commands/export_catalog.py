"""Write the dated export of the public catalog (catalog.exports): today's, or as it stood on a past day."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from catalog.exports import export_build, exports_prune


class Command(BaseCommand):
    help = "Export the catalog (CSV, JSON Lines, Parquet, manifest) to MEDIA_ROOT/exports/<day>/."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="the day to export the catalog as it stood then (YYYY-MM-DD)")
        parser.add_argument("--prune", action="store_true", help="also remove exports past the retention")

    def handle(self, *args, as_of=None, prune=False, **options):
        try:
            day = date.fromisoformat(as_of) if as_of else None
        except ValueError:
            raise CommandError(f"--as-of takes a day as YYYY-MM-DD, not {as_of!r}.") from None
        manifest = export_build(day, progress=lambda line: self.stdout.write(f"  {line}"))
        self.stdout.write(f"Exported the catalog as of {manifest['as_of']}.")
        if prune:
            self.stdout.write(f"Removed {exports_prune()} old export(s).")
