from django.core.management.base import BaseCommand, CommandError

from catalog.models import AIModel
from catalog.sources.apply.sync import catalog_import_genai_prices
from catalog.sources.genai_prices import default_providers


class Command(BaseCommand):
    help = "Import providers, models and prices from the genai-prices package. Safe to re-run."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="compute and report the changes, then roll back")
        parser.add_argument(
            "--provider",
            action="append",
            dest="provider_ids",
            metavar="ID",
            help="import only this genai-prices provider id (repeatable)",
        )
        parser.add_argument("--if-empty", action="store_true", help="do nothing when the catalog has any model")

    def handle(self, *args, dry_run: bool, provider_ids: list[str] | None, if_empty: bool, **options):
        if if_empty and AIModel.objects.exists():
            self.stdout.write("Catalog already has models: genai-prices not imported.")
            return
        providers = None
        if provider_ids:
            known = {provider.id: provider for provider in default_providers()}
            unknown = sorted(set(provider_ids) - set(known))
            if unknown:
                raise CommandError(f"Unknown provider {', '.join(unknown)}. Known: {', '.join(sorted(known))}.")
            providers = [known[provider_id] for provider_id in dict.fromkeys(provider_ids)]
        report = catalog_import_genai_prices(providers=providers, dry_run=dry_run, progress=self.stdout.write)
        for line in report.summary():
            self.stdout.write(line)
