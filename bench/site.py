"""Site page throughput: home, catalog, model and status pages, cold and warm, against a bare view.

"cold" turns the response cache off: every request runs the view, which assembles the page from
its cached parts (aigo/site/fragments.py); "uncached" turns those off too, so every part is
rendered on every request, as the first request after a change renders the parts it shows.

The same harness as bench/api_read.py (gunicorn with production settings, wrk, a floor view
serving the page's own bytes in the same run); static files are collected first, as a
deployment would, since production settings serve them fingerprinted. The status overview
shows a day of simulated probes for 50 models in every region (`simulate_probes`, idempotent),
and its warm row is compared with the warm catalog page's (issue 16's goal: within 2x); it is
measured once more while a prober publishes a round every 2 s, each publish dropping the page.

    .venv/bin/python bench/site.py [--seconds 10] [--connections 16]
"""

import argparse
import os
import secrets
import signal
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.api_read import MODES, ROOT, load, measure, prepare, report, serve, stop  # noqa: E402

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


def simulate_probes(*options: str, wait: bool = True) -> subprocess.Popen:
    command = [str(ROOT / ".venv/bin/python"), "manage.py", "simulate_probes", "--models", "50", *options]
    prober = subprocess.Popen(command, cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL)
    if wait and prober.wait() != 0:
        raise SystemExit("simulate_probes failed")
    return prober


def status_while_probed(seconds: int, connections: int) -> dict:
    """The overview, warm, while a prober sends a round every 2 s (each publish drops the page)."""
    prober = simulate_probes("--days", "0", "--live", "--live-interval-seconds", "2", wait=False)
    server = serve(cache=True, connections=connections)
    try:
        return load(PAGES["status"], seconds, connections)
    finally:
        stop(server)
        os.killpg(prober.pid, signal.SIGINT)
        prober.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    prepare()
    collect_static()
    simulate_probes("--days", "1")
    # uncached: neither the page nor its parts cached (aigo/site/fragments.py), every part rendered
    results = measure(PAGES, args.seconds, args.connections, {**MODES, "uncached": (False, False)})
    probed = status_while_probed(args.seconds, args.connections)
    ratio = results[("status", "warm")]["rps"] / results[("catalog", "warm")]["rps"]
    print(f"\nstatus overview warm: {ratio:.0%} of the warm catalog page's req/s (goal: at least 50 %)")
    print(
        f"status overview warm, a prober publishing every 2 s: {probed['rps']:.0f} req/s,"
        f" p50 {probed['p50']:.1f} ms, p95 {probed['p95']:.1f} ms, {probed['errors']} errors"
    )
    report(PAGES, results, args.seconds, args.connections)


if __name__ == "__main__":
    main()
