from django.core.management.base import BaseCommand, CommandError

from catalog.models import AIModel
from catalog.sources import SOURCES
from catalog.sources.apply.sync import sources_import


class Command(BaseCommand):
    help = (
        "Import providers, models, prices, benchmarks and scores from every source (or --source), record what each "
        "says, and resolve the catalog's values. Safe to re-run and to run twice at once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--source", action="append", dest="names", choices=list(SOURCES), help="only this source (repeatable)"
        )
        parser.add_argument("--dry-run", action="store_true", help="compute and report the changes, then roll back")
        parser.add_argument("--if-empty", action="store_true", help="do nothing when the catalog has any model")

    def handle(self, *args, names: list[str] | None, dry_run: bool, if_empty: bool, **options):
        if if_empty and AIModel.objects.exists():
            self.stdout.write("Catalog already has models: sources not imported.")
            return
        try:
            report = sources_import(names=names, dry_run=dry_run, progress=self.stdout.write)
        except FileNotFoundError as error:
            raise CommandError(f"A source's data is missing: {error}") from error
        for line in report.summary():
            self.stdout.write(line)
