"""Site page throughput: home, catalog and model pages, cold and warm, against a bare view.

The same harness as bench/api_read.py (gunicorn with production settings, wrk, a floor view
serving the page's own bytes in the same run); static files are collected first, as a
deployment would, since production settings serve them fingerprinted.

    .venv/bin/python bench/site.py [--seconds 10] [--connections 16]
"""

import argparse
import os
import secrets
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.api_read import ROOT, measure, prepare, report  # noqa: E402

PAGES = {
    "home": "/en-US/",
    "catalog": "/en-US/models/",
    "model": "/en-US/models/gpt-4o/",
}


def collect_static() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "SECRET_KEY": secrets.token_urlsafe(32)}
    python = str(ROOT / ".venv/bin/python")
    subprocess.run([python, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    prepare()
    collect_static()
    report(PAGES, measure(PAGES, args.seconds, args.connections), args.seconds, args.connections)


if __name__ == "__main__":
    main()
