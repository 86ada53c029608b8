from django.core.management.base import BaseCommand

from catalog.demo import demo_seed
from catalog.models import BenchmarkSuite


class Command(BaseCommand):
    help = "Add demo benchmark suites (unofficial scores), documentation links and translations. Safe to re-run."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="do nothing when any benchmark suite exists")

    def handle(self, *args, if_empty: bool, **options):
        if if_empty and BenchmarkSuite.objects.exists():
            self.stdout.write("Benchmark suites exist already: demo content not added.")
            return
        counts = demo_seed()
        summary = ", ".join(f"{count} {label}" for label, count in sorted(counts.items()) if count)
        self.stdout.write(f"Demo content: {summary or 'nothing to do'}.")
