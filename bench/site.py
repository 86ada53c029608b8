"""Site page throughput: home, catalog, model and status pages, cold and warm, against a bare view.

The same harness as bench/api_read.py (gunicorn with production settings, wrk, a floor view
serving the page's own bytes in the same run); static files are collected first, as a
deployment would, since production settings serve them fingerprinted. The status overview
shows a day of simulated probes for 50 models in every region (`simulate_probes`, idempotent),
and its warm row is compared with the warm catalog page's (issue 16's goal: within 2x).

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
    "status": "/en-US/status/",
}


def collect_static() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "SECRET_KEY": secrets.token_urlsafe(32)}
    python = str(ROOT / ".venv/bin/python")
    subprocess.run([python, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)


def simulate_probes() -> None:
    python = str(ROOT / ".venv/bin/python")
    subprocess.run([python, "manage.py", "simulate_probes", "--models", "50", "--days", "1"], cwd=ROOT, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    prepare()
    collect_static()
    simulate_probes()
    results = measure(PAGES, args.seconds, args.connections)
    report(PAGES, results, args.seconds, args.connections)
    ratio = results[("status", "warm")]["rps"] / results[("catalog", "warm")]["rps"]
    print(f"status overview warm: {ratio:.0%} of the warm catalog page's req/s (goal: at least 50 %)")


if __name__ == "__main__":
    main()
