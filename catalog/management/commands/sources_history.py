import json
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from catalog.sources.history.build import history_build
from catalog.sources.history.seen import DATA


class Command(BaseCommand):
    help = (
        "Date the deprecations genai-prices, models.dev and model-prices mark, from their releases on PyPI up to "
        "the pinned versions (network: PyPI only), and write catalog/sources/data/history/deprecations.json. "
        "For developers: commit the file; imports read it without network."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--cache",
            type=Path,
            default=settings.LOCAL_DIR / "sources-history",
            help="where downloaded release lists and wheels are kept between runs (default: .local/sources-history)",
        )
        parser.add_argument("--step", type=int, default=16, help="read every STEP-th release, then bisect (default 16)")
        parser.add_argument("--output", type=Path, default=DATA, help="the file written (default: the committed one)")

    def handle(self, *args, cache: Path, step: int, output: Path, **options):
        if step < 1:
            raise CommandError("--step must be at least 1")
        started = time.monotonic()
        try:
            history = history_build(cache, step, progress=self.stdout.write)
        except (OSError, ValueError) as error:  # PyPI unreachable, a download not matching its sha256
            raise CommandError(str(error)) from error
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(history, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        self.stdout.write(f"Wrote {output} in {time.monotonic() - started:.0f} s.")
