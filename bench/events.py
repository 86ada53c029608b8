"""Event collection throughput and the daily_stats refresh against history size.

In a throwaway database of its own (created, migrated as the owner, dropped at the end unless
--keep), with a provider and --models models inserted directly:
- events/s accepted by POST /api/v1/events: gunicorn (production settings, --workers sync
  workers, or --threads N threads each, AIGO_EVENTS_RATE=off), wrk on --clients connections for
  --seconds, sending batches of 20 events (half model views, half page views; --requests distinct
  bodies, encoded before the clock starts, in turn), against COPY of the same number of rows
  straight into analytics_events in the same run, median of --repeats. wrk rather than Python
  clients, as the read benches: on two cores the clients' own CPU was an eighth of the machine.
  The endpoint appends to the events buffer (analytics/buffer.py): the drain that stores them
  runs next, alone, in a process of its own (as the beat task does), and its rows/s say whether
  it keeps up; every accepted event must then be stored, once;
- the daily_stats refresh (refresh_daily_stats(), i.e. REFRESH ... CONCURRENTLY, as the app
  role) with each of --sizes events stored (default 1 M and 10 M), spread over 30 days, made
  with INSERT ... SELECT generate_series as the owner; the median of --refreshes runs.

    .venv/bin/python bench/events.py [--seconds 3 --clients 4 --workers 2 --threads 1]
        [--sizes 1000000,10000000] [--keep]
    (--sizes "" skips the refresh)
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import redis
from psycopg import sql

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.api_read import BASE, ROOT, serve, stop  # noqa: E402
from bench.databases import SERVER, database_create, database_drop  # noqa: E402

DATABASE = "aigo_bench_events"
DSN = f"{SERVER}/{DATABASE}"
REDIS = os.environ.get("REDIS_URL", "redis://127.0.0.1:63790/0")
PREFIX = "bench:events:"  # the served app's Redis keys (rate limit, trending), deleted afterwards
BATCH = 20
AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
COLUMNS = "session_id, event_type, event_properties, device_properties, geo_properties"
COPY_EVENTS = sql.SQL("COPY analytics_events ({}) FROM STDIN").format(
    sql.SQL(", ").join(map(sql.Identifier, COLUMNS.split(", ")))
)


def prepare(models: int) -> list[tuple[str, str]]:
    subprocess.run(["scripts/ensure_system.sh", "wrk"], cwd=ROOT, check=True)
    database_create(DATABASE)
    env = {**os.environ, "DATABASE_URL": DSN}
    subprocess.run(
        [str(ROOT / ".venv/bin/python"), "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    with psycopg.connect(DSN, autocommit=True) as conn:
        conn.execute("SELECT aigo_ensure_partitions('analytics_events', 'day', 7, 31)")
        provider = conn.execute("INSERT INTO providers (slug, name) VALUES ('bench', 'Bench') RETURNING id").fetchone()[
            0
        ]
        return conn.execute(
            "INSERT INTO models (provider_id, slug, name)"
            " SELECT %s, 'bench-' || i, jsonb_build_object('en-US', 'B' || i)"
            " FROM generate_series(1, %s) i RETURNING id::text, slug",
            [provider, models],
        ).fetchall()


def batches(models, requests: int) -> list[bytes]:
    """`requests` distinct bodies; JSON without newlines, so one per line of the file wrk reads."""
    bodies = []
    for number in range(requests):
        events = []
        for index in range(BATCH):
            session = f"bench-{number % 500}"
            if index % 2:
                _id, slug = models[(number + index) % len(models)]
                events.append({"type": "model_view", "session_id": session, "properties": {"model": slug}})
            else:
                events.append({"type": "page_view", "session_id": session, "properties": {"path": f"/p/{index}"}})
        bodies.append(json.dumps({"events": events}).encode())
    return bodies


def post_events(bodies_file: Path, seconds: int, clients: int) -> dict:
    """wrk POSTing the bodies in turn from `clients` connections for `seconds`: its report."""
    out = subprocess.run(
        [
            "wrk",
            "-t",
            "2",
            "-c",
            str(clients),
            "-d",
            f"{seconds}s",
            "-s",
            "bench/wrk_bodies.lua",
            f"{BASE}/api/v1/events",
            "--",
            str(bodies_file),
            "text/plain",
            AGENT,
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    report = json.loads(out.strip().splitlines()[-1])
    if report["errors"]:
        raise SystemExit(f"POST /api/v1/events: {report['errors']} errors (or responses other than 2xx)")
    return report


def copy_rows(models, count: int) -> float:
    """The same rows as the endpoint stores, COPYed by one client."""
    rows = []
    for index in range(count):
        if index % 2:
            model_id, slug = models[index % len(models)]
            rows.append(("bench-0", "model_view", json.dumps({"model_id": model_id, "model_slug": slug})))
        else:
            rows.append(("bench-0", "page_view", json.dumps({"path": f"/p/{index % BATCH}"})))
    device, geo = '{"type": "desktop"}', '{"region": "unknown", "country": "unknown"}'
    with psycopg.connect(DSN) as conn:
        started = time.perf_counter()
        with conn.cursor() as cursor, cursor.copy(COPY_EVENTS) as copy:
            for session, event_type, properties in rows:
                copy.write_row((session, event_type, properties, device, geo))
        conn.commit()
        return time.perf_counter() - started


# One drain as the beat task runs it, timed inside its process: (rows stored, seconds).
DRAIN = """
import json, time, django
django.setup()
from analytics.buffer import events_drain
started = time.perf_counter()
stored = events_drain(max_seconds=3600)
print(json.dumps([stored, time.perf_counter() - started]))
"""


def drain() -> tuple[int, float]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "aigo.settings.dev"}
    out = subprocess.run(
        [str(ROOT / ".venv/bin/python"), "-c", DRAIN], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout
    stored, seconds = json.loads(out.strip().splitlines()[-1])
    return stored, seconds


def events_truncate() -> None:
    """Each COPY and drain into an empty table: the table's size, which a longer run grows, would
    otherwise slow the floor (87,000 rows/s into 600,000 rows against 143,000 into none)."""
    with psycopg.connect(DSN, autocommit=True) as conn:
        conn.execute("TRUNCATE analytics_events")


def stored_count() -> tuple[int, int]:
    with psycopg.connect(DSN) as conn:
        return conn.execute("SELECT count(*), count(DISTINCT id) FROM analytics_events").fetchone()


def throughput(models, args) -> None:
    os.environ.update({"DATABASE_URL": DSN, "AIGO_EVENTS_RATE": "off", "AIGO_REDIS_PREFIX": PREFIX})
    bodies_file = ROOT / ".local" / "bench" / "event_bodies.txt"
    bodies_file.parent.mkdir(parents=True, exist_ok=True)
    bodies_file.write_bytes(b"\n".join(batches(models, args.requests)) + b"\n")
    server = serve(cache=False, workers=args.workers, threads=args.threads)
    try:
        post_events(bodies_file, 1, args.clients)  # warm the workers
        drain()
        accepted, drained, copied = [], [], []
        for _ in range(args.repeats):
            events_truncate()
            report = post_events(bodies_file, args.seconds, args.clients)
            answered = report["requests"] * BATCH  # those wrk saw answered (202) within its time
            stored, seconds = drain()
            rows, distinct = stored_count()
            # Every accepted event stored once: those answered, and at most one more batch per
            # connection still in flight when wrk stopped.
            if not (stored == rows and answered <= stored <= answered + args.clients * BATCH) or rows != distinct:
                raise SystemExit(f"drain: {stored} stored, {rows} rows, {answered} answered, {distinct} ids")
            accepted.append(answered / report["seconds"])
            drained.append(stored / seconds)
            events_truncate()
            copied.append(stored / copy_rows(models, stored))
    finally:
        stop(server)
        client = redis.Redis.from_url(REDIS)
        for key in client.scan_iter(match=f"{PREFIX}*"):
            client.delete(key)
    api, stored, raw = (statistics.median(rates) for rates in (accepted, drained, copied))
    workers = "sync workers" if args.threads == 1 else f"workers x {args.threads} threads"
    print(
        f"collection: batches of {BATCH} events from {args.clients} connections (wrk) for {args.seconds} s,"
        f" gunicorn {args.workers} {workers}, median of {args.repeats}"
    )
    print(f"  POST /api/v1/events  {api:>10,.0f} events/s  ({api / BATCH:,.0f} requests/s, accepted into the buffer)")
    print(f"  drain                {stored:>10,.0f} rows/s    (every accepted event stored once, each repetition)")
    print(f"  COPY (floor)         {raw:>10,.0f} events/s  (as many rows as were accepted)")
    print(f"  ratio                {api / raw:>10.3f} of COPY (accepted), {stored / raw:.3f} (drained)")


GENERATE = """
INSERT INTO analytics_events (timestamp, session_id, event_type, event_properties, device_properties, geo_properties)
SELECT now() - ((i * 7919) %% (30 * 86400)) * INTERVAL '1 second',  -- spread over 30 days
       'gen-' || (i %% 200000),
       CASE WHEN i %% 2 = 0 THEN 'model_view' WHEN i %% 5 = 1 THEN 'search' ELSE 'page_view' END,
       CASE WHEN i %% 2 = 0 THEN jsonb_build_object('model_id', (%(ids)s::text[])[1 + i %% %(models)s])
            ELSE jsonb_build_object('path', '/p/' || i %% 100) END,
       '{"type": "desktop"}', '{"region": "unknown", "country": "unknown"}'
FROM generate_series(%(first)s::bigint, %(last)s::bigint) i
"""


def refreshes(models, args) -> None:
    ids = [model_id for model_id, _slug in models]
    app = psycopg.connect(DSN, autocommit=True)
    app.execute("SET ROLE aigo_app")  # the role the beat task runs as
    stored = 0
    with psycopg.connect(DSN, autocommit=True) as owner:
        owner.execute("TRUNCATE analytics_events")
        for size in args.sizes:
            started = time.perf_counter()
            owner.execute(GENERATE, {"ids": ids, "models": len(ids), "first": stored + 1, "last": size})
            owner.execute("VACUUM ANALYZE analytics_events")
            generated = time.perf_counter() - started
            stored = size
            times = []
            for _ in range(args.refreshes):
                started = time.perf_counter()
                app.execute("SELECT refresh_daily_stats()")
                times.append(time.perf_counter() - started)
            rows = owner.execute("SELECT count(*) FROM daily_stats").fetchone()[0]
            print(
                f"daily_stats refresh with {size:>12,} events: {statistics.median(times):7.2f} s"
                f" (median of {args.refreshes}; {rows} rows; events generated in {generated:.0f} s)"
            )
    app.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000, help="distinct bodies, sent in turn")
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=4)
    # 1: sync workers (a new connection per request), as the figures recorded so far; 4: the read benches' gthread.
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)  # docs/operations.md recommends 4 x 2 on two cores
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--models", type=int, default=200)
    parser.add_argument(
        "--sizes", type=lambda text: [int(size) for size in text.split(",") if size], default=[1_000_000, 10_000_000]
    )
    parser.add_argument("--refreshes", type=int, default=3)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    models = prepare(args.models)
    try:
        throughput(models, args)
        refreshes(models, args)
    finally:
        if not args.keep:
            database_drop(DATABASE)


if __name__ == "__main__":
    main()
