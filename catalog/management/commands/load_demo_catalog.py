from django.core.management.base import BaseCommand

from catalog.demo import demo_catalog_load
from catalog.models import Provider


class Command(BaseCommand):
    help = "Load the small demo catalog (providers, models, prices, demo benchmark scores). Safe to re-run."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="do nothing when the catalog has any provider")

    def handle(self, *args, if_empty: bool, **options):
        if if_empty and Provider.objects.exists():
            self.stdout.write("Catalog already has data: demo catalog not loaded.")
            return
        counts = demo_catalog_load()
        summary = ", ".join(f"{count} {label}" for label, count in sorted(counts.items()))
        self.stdout.write(f"Demo catalog loaded: {summary}.")
