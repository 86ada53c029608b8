from django.core.management.base import BaseCommand

from catalog.demo import demo_seed
from catalog.listings import catalog_changes_batched


class Command(BaseCommand):
    help = (
        "Add demo documentation links, translations and, while no real benchmark score exists, demo benchmark "
        "suites (unofficial scores). Safe to re-run."
    )

    def handle(self, *args, **options):
        with catalog_changes_batched():  # listings refreshed at the end, whether or not a worker runs
            counts = demo_seed()
        summary = ", ".join(f"{count} {label}" for label, count in sorted(counts.items()) if count)
        self.stdout.write(f"Demo content: {summary or 'nothing to do'}.")
