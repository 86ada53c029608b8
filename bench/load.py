"""Whole-site load test: locust's mix of visitors, probes and an editor against the whole stack.

Sets up what `make run` serves (the real catalog, demo content, exchange rates, a day of
simulated probes) on the local services, starts a Celery worker and beat and gunicorn (4
workers x 2 threads unless --workers/--threads say otherwise: fewer threads per process wait less
for each other's hold on the interpreter; production settings, static files collected), makes the API and probe
keys and an editor account, then runs bench/load_mix.py headless, stepping the number of
visitors. For each step it prints requests per second and p50/p95/p99 per kind (page, status
overview, api, search, event, probe, editor), and the errors: any response other than 2xx/3xx,
any connection error and any exception in a task, which must be none. At the end, the highest rate at which the site's
p95 stays under 200 ms and the status overview's p95 at that rate. Exits 1 on any error.

    .venv/bin/python bench/load.py [--seconds 60] [--settle 10] [--users 20,40,60,90,120,160,200]
                                   [--workers 4 --threads 2] [--quick]
"""

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aigo.settings.dev")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, F  # noqa: E402
from django.db.models.fields.json import KT  # noqa: E402

from accounts.keys import api_key_issue  # noqa: E402
from accounts.models import ApiKey  # noqa: E402
from bench.api_read import BASE, ROOT, prepare, run, serve, stop  # noqa: E402
from bench.site import collect_static  # noqa: E402
from catalog.models import AIModel, BenchmarkSuite, Provider  # noqa: E402

WORK = ROOT / ".local" / "bench"
TAG = "bench load"  # names the keys and the editor the run makes, removed at its end
EDITOR = "bench-load-editor"
EDITOR_MARK = " [load test]"  # toggled on a model's English description by each of the editor's saves
GOAL_MS = 200
KINDS = ("page", "status", "api", "search", "event", "probe", "editor")
# As bench/site.py (the same seed picks the same models): the status overview under load shows
# this many models in every region, whichever bench ran last.
PROBED_MODELS = 50


def prepare_site() -> None:
    """What `make run` serves, on the services the other benches use."""
    prepare()
    collect_static()
    python = str(ROOT / ".venv/bin/python")
    run(python, "manage.py", "periodic", "sync")  # beat reads its schedule from the database
    run(python, "manage.py", "seed_demo")
    run(python, "manage.py", "import_exchange_rates")
    run(python, "manage.py", "simulate_probes", "--models", str(PROBED_MODELS), "--regions", "5", "--days", "1")


def cleanup() -> None:
    ApiKey.objects.filter(name__startswith=TAG).delete()
    User.objects.filter(username=EDITOR).delete()
    for model in AIModel.objects.annotate(english=KT("description__en-US")).filter(english__endswith=EDITOR_MARK):
        model.description["en-US"] = model.description["en-US"].removesuffix(EDITOR_MARK)
        model.save(update_fields=["description"])


def plan(args, report: Path) -> dict:
    """What the locustfile reads: the steps, the catalog's slugs, keys and the editor's login."""
    cleanup()
    expires = timedelta(days=1)
    read_key = api_key_issue(
        name=f"{TAG} reads", scopes=["read:catalog", "read:status"], expires_in=expires, rate_limit=10**7
    )[1]
    probe_keys = [
        api_key_issue(name=f"{TAG} probe {number}", scopes=["write:status"], expires_in=expires, rate_limit=10**7)[1]
        for number in range(10)
    ]
    password = secrets.token_urlsafe(16)
    editor = User.objects.create_user(EDITOR, password=password, is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    # The newest models stand in for the most viewed ones (the mix draws them with a long tail).
    models = list(
        AIModel.objects.filter(is_active=True)
        .order_by(F("released_at").desc(nulls_last=True), "slug")
        .values_list("slug", flat=True)[:2000]
    )
    # Popular models with an English description, which the editor's saves mark and unmark.
    edited = (
        AIModel.objects.annotate(english=KT("description__en-US"))
        .filter(slug__in=models, english__gt="")
        .order_by(F("released_at").desc(nulls_last=True))[:20]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT m.slug FROM status_probes p JOIN models m ON m.id = p.model_id"
            " WHERE p.time > now() - interval '1 day' ORDER BY 1"
        )
        probe_models = [slug for (slug,) in cursor.fetchall()]
    return {
        "users": args.users,
        "seconds": args.seconds,
        "settle": args.settle,
        "spawn_rate": 20,
        "report": str(report),
        "models": models,
        "providers": list(
            Provider.objects.annotate(count=Count("models")).order_by("-count").values_list("slug", flat=True)[:12]
        ),
        "suites": list(
            BenchmarkSuite.objects.filter(scores__isnull=False)
            .distinct()
            .order_by("slug")
            .values_list("slug", flat=True)
        ),
        "probe_models": probe_models,
        "regions": settings.AIGO_REGIONS[:5],
        "read_key": read_key,
        "probe_keys": probe_keys,
        "editor": [EDITOR, password],
        "editor_mark": EDITOR_MARK,
        "editor_models": [str(pk) for pk in edited.values_list("pk", flat=True)],
        "admin": settings.ADMIN_URL,
    }


def start_celery() -> list[subprocess.Popen]:
    """A worker and beat with the production settings, logging into WORK; once the worker is ready."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "SECRET_KEY": secrets.token_urlsafe(32),
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    celery = str(ROOT / ".venv/bin/celery")
    commands = {
        "worker": [celery, "-A", "aigo", "worker", "--concurrency", "2", "--hostname", "bench-load@%h"],
        "beat": [celery, "-A", "aigo", "beat", "--pidfile", str(WORK / "load-beat.pid")],
    }
    processes = []
    for name, command in commands.items():
        log = WORK / f"load-{name}.log"
        with log.open("w") as out:
            processes.append(
                subprocess.Popen(
                    [*command, "--loglevel", "INFO"],
                    cwd=ROOT,
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
    deadline = time.monotonic() + 60
    while " ready." not in (WORK / "load-worker.log").read_text():
        if time.monotonic() > deadline or processes[0].poll() is not None:
            raise RuntimeError(f"the Celery worker did not start: see {WORK / 'load-worker.log'}")
        time.sleep(0.5)
    return processes


def stop_celery(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        process.wait(timeout=60)


def run_locust(plan_file: Path, timeout: float) -> None:
    env = {**os.environ, "AIGO_LOAD_PLAN": str(plan_file), "PYTHONPATH": str(ROOT)}
    with (WORK / "load-locust.log").open("w") as out:
        subprocess.run(
            [
                str(ROOT / ".venv/bin/locust"),
                "-f",
                str(ROOT / "bench/load_mix.py"),
                "--headless",
                "--host",
                BASE,
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=timeout,
        )


def figures_row(visitors: int | str, kind: str, figures: dict) -> str:
    times = " ".join(f"{figures[name]:9.0f}" for name in ("p50", "p95", "p99"))
    return f"{visitors:>9} {kind:>9} {figures['requests']:9d} {figures['rps']:9.1f} {times} {figures['failures']:9d}"


def print_report(steps: list[dict], args) -> int:
    """The table, the errors and the highest rate under the goal; the number of errors."""
    print(
        f"\nWhole-site load: {args.seconds} s measured per step after {args.settle} s to settle; visitors in"
        " three locales (page 60 %, api 25 %, search 5 %, event 8 %), 10 probes every 20 s, an editor every 30 s;"
        f" gunicorn {args.workers} workers x {args.threads} threads, a Celery worker and beat."
    )
    columns = ["visitors", "kind", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors"]
    print(" ".join(f"{column:>9}" for column in columns))
    errors, best = 0, None
    for step in steps:
        print(figures_row(step["users"], "site", step["total"]))
        for kind in KINDS:
            if kind in step["kinds"]:
                print(figures_row("", kind, step["kinds"][kind]))
        for error in step["errors"]:
            print(f"{'':9} error x{error['count']}: {error['kind']}: {error['error']}")
        errors += sum(error["count"] for error in step["errors"])
        if step["total"]["p95"] < GOAL_MS and (best is None or step["total"]["rps"] > best["total"]["rps"]):
            best = step
    if best is None:
        print(f"\nNo step kept the site's p95 under {GOAL_MS} ms.")
    else:
        print(
            f"\nHighest rate with the site's p95 under {GOAL_MS} ms: {best['total']['rps']:.1f} req/s"
            f" ({best['users']} visitors, p95 {best['total']['p95']:.0f} ms); the status overview's p95 there:"
            f" {best['kinds']['status']['p95']:.0f} ms."
        )
    print(f"Errors: {errors}.")
    return errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=60, help="measured seconds per step (default 60)")
    parser.add_argument("--settle", type=int, default=10, help="unmeasured seconds at the start of each step")
    parser.add_argument(
        "--users",
        type=lambda text: [int(count) for count in text.split(",")],
        default=[20, 40, 60, 90, 120, 160, 200],
        help="visitors per step, comma-separated (default 20,40,60,90,120,160,200)",
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn processes (default 4)")
    parser.add_argument("--threads", type=int, default=2, help="threads per gunicorn process (default 2)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 10 and 20 visitors, 30 s each")
    args = parser.parse_args()
    if args.quick:
        args.users, args.seconds, args.settle = [10, 20], 30, 5

    # Stopped from outside, it still stops what it started and removes its keys and editor.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("load: stopped"))
    prepare_site()
    WORK.mkdir(parents=True, exist_ok=True)
    report, plan_file = WORK / "load-steps.jsonl", WORK / "load-plan.json"
    report.unlink(missing_ok=True)
    plan_file.write_text(json.dumps(plan(args, report)))
    plan_file.chmod(0o600)  # it holds keys
    # Each visitor sends its own X-Forwarded-For, as a proxy in front of the site would: the
    # events endpoint's per-address limit then counts each visitor, not the whole test as one.
    # (serve() turns the API's own limits off, as for the other benches.)
    os.environ["AIGO_TRUSTED_PROXIES"] = "1"
    celery = start_celery()
    try:
        server = serve(cache=True, workers=args.workers, threads=args.threads)
        try:
            run_locust(plan_file, timeout=len(args.users) * (args.settle + args.seconds) + 120)
        finally:
            stop(server)
    finally:
        stop_celery(celery)
        cleanup()
        plan_file.unlink()
    steps = [json.loads(line) for line in report.read_text().splitlines()] if report.exists() else []
    if len(steps) < len(args.users):
        sys.exit(f"locust ended after {len(steps)} of {len(args.users)} steps: see {WORK / 'load-locust.log'}")
    sys.exit(1 if print_report(steps, args) else 0)


if __name__ == "__main__":
    main()
