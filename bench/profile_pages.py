"""Where a site page's time goes when the page cache does not hold it: in process, no server.

For each page, rendered whole (`AIGO_FRAGMENT_CACHE` off: every part computed) and from its
cached parts, the median time per request, the queries and their time; with --profile, the
project's functions that take most of a whole render (cProfile, cumulative time).

    .venv/bin/python bench/profile_pages.py [--rounds 20] [--profile] [path ...]

Uses the development database as it is (run `make run` or bench/site.py first for the real catalog).
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.update(
    DJANGO_SETTINGS_MODULE="bench.settings",
    SECRET_KEY=os.environ.get("SECRET_KEY", "profile-pages"),
    ALLOWED_HOSTS="testserver",
    SECURE_SSL_REDIRECT="false",
    AIGO_RESPONSE_CACHE="false",
    LOG_LEVEL="WARNING",
)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

PAGES = ["/en-US/", "/en-US/models/", "/en-US/models/gpt-4o/"]


def timed(client: Client, path: str, rounds: int) -> tuple[float, int, float]:
    """Median ms per request, then the queries of one more request and their ms."""
    client.get(path)  # fills the parts when they are cached
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    return statistics.median(times), len(queries), sum(float(query["time"]) for query in queries) * 1000


# Where a whole render's own time (cProfile's tottime) is spent, by the code that spends it.
GROUPS = [
    ("templates (Django's engine, escaping, tags)", ("template/", "templatetags/", "/html/", "formats.py")),
    ("queries: ORM", ("django/db/",)),
    ("queries: driver and wait", ("psycopg/",)),
    ("numbers and dates (Babel)", ("babel/",)),
    ("translations (gettext, lazy strings)", ("translation/", "gettext.py", "functional.py", "asgiref/local.py")),
    ("JSON decoding", ("/json/",)),
    ("the catalog's code (provenance, selectors, sources)", ("/catalog/",)),
    ("the site's code (views, charts, tags)", ("/aigo/site/",)),
    ("the status code", ("/status/",)),
]


def profile(client: Client, path: str) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(5):
        client.get(path)
    profiler.disable()
    stats = pstats.Stats(profiler)
    rest = "the rest (middleware, Python, other libraries)"
    spent = dict.fromkeys([name for name, _markers in GROUPS] + [rest], 0.0)

    def group_of(file: str) -> str:
        return next((name for name, markers in GROUPS if any(marker in file for marker in markers)), rest)

    for (file, _line, _name), (_calls, _primitive, own, _cumulative, callers) in stats.stats.items():
        if file == "~":  # a builtin: its time goes to the code that called it
            for (caller_file, *_where), (*_counts, caller_own, _caller_cumulative) in callers.items():
                spent[group_of(caller_file)] += caller_own
        else:
            spent[group_of(file)] += own
    total = sum(spent.values())
    print(f"  a whole render under cProfile: {total / 5 * 1000:.1f} ms per request")
    for group, own in sorted(spent.items(), key=lambda item: -item[1]):
        print(f"    {own / total:5.0%}  {group}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=PAGES)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    client = Client()
    print(f"{'page':40} {'mode':>6} {'ms/req':>8} {'queries':>8} {'SQL ms':>8}")
    for path in args.paths:
        for mode, parts in (("whole", False), ("parts", True)):
            settings.AIGO_FRAGMENT_CACHE = parts
            median, queries, sql_ms = timed(client, path, args.rounds)
            print(f"{path:40} {mode:>6} {median:8.1f} {queries:8d} {sql_ms:8.1f}")
        if args.profile:
            settings.AIGO_FRAGMENT_CACHE = False
            profile(client, path)


if __name__ == "__main__":
    main()
