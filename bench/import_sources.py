"""The sources' import: a first import into an empty catalog, a re-run that changes nothing, and a
re-run after one source changed, against the floor of reading the four sources' data alone
(`load()` of each source module: what any import must do before it writes a row).

In a throwaway database of its own (created, migrated, dropped at the end unless --keep).

    .venv/bin/python bench/import_sources.py [--keep]
"""

import argparse
import copy
import logging
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.databases import SERVER, database_create, database_drop  # noqa: E402

DATABASE = "aigo_bench_import"
os.environ["DATABASE_URL"] = f"{SERVER}/{DATABASE}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aigo.settings.dev")


def timed(what, *args, **kwargs) -> tuple[float, object]:
    started = time.monotonic()
    result = what(*args, **kwargs)
    return time.monotonic() - started, result


def run() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from genai_prices.data import providers

    from catalog.sources import SOURCES, source_load
    from catalog.sources.apply.sync import sources_import

    settings.DEBUG = False  # no query log
    logging.getLogger("catalog").setLevel(logging.WARNING)
    call_command("migrate", "--noinput", verbosity=0)

    floor = sum(timed(source_load, name)[0] for name in SOURCES)
    first, report = timed(sources_import)
    again, rerun = timed(sources_import)
    changed = copy.deepcopy(list(providers))
    openai = next(provider for provider in changed if provider.id == "openai")
    gpt = next(model for model in openai.models if model.id == "gpt-4o")
    gpt.context_window = 256000
    one, after = timed(sources_import, names=["genai-prices"], genai_providers=changed)

    rows = sum(line.observed["new"] for line in report.sources)
    print(f"sources: {', '.join(SOURCES)}; {rows:,} values observed on the first import")
    print(f"{'run':<44} {'seconds':>8} {'x floor':>8}")
    print(f"{'floor: load() of every source, no database':<44} {floor:8.1f} {1:8.1f}")
    for label, seconds, result in [
        ("first import, empty catalog", first, report),
        ("re-run, nothing changed", again, rerun),
        ("genai-prices alone, one model changed", one, after),
    ]:
        print(f"{label:<44} {seconds:8.1f} {seconds / floor:8.1f}   {result.summary()[-1]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help=f"keep the {DATABASE} database")
    args = parser.parse_args()
    database_create(DATABASE)
    try:
        run()
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            database_drop(DATABASE)


if __name__ == "__main__":
    main()
