"""Probe ingestion throughput: rows/s through POST /api/v1/status/probes against raw COPY.

Serves the app with gunicorn (production settings, 2 sync workers), sends batches of 1,000
and of 10,000 probe rows from 2 concurrent clients (bodies encoded before the clock starts),
and in the same run COPYs the same number of rows straight into status_probes. Each case runs
--repeats times, interleaved, and the median is printed. The bench rows are marked in
metadata and deleted afterwards.

Sync workers, one per client: a keep-alive connection stays with the gthread worker that
accepted it, so two clients could share one process (and its GIL) and the run would measure
that draw rather than the ingestion path.

    .venv/bin/python bench/ingest.py [--rows 100000]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from psycopg import sql

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.api_read import ROOT, post_all, run, serve, stop  # noqa: E402

REGIONS = ["us-east", "us-west", "eu-west", "asia-east", "asia-se"]
DSN = os.environ.get("BENCH_DSN", "postgresql://postgres@127.0.0.1:54320/aigo")
MARK = {"bench": "ingest"}
COLUMNS = (
    "time, model_id, region, probe_location, availability, latency_p50, latency_p95, latency_p99,"
    " error_rate, requests_per_minute, tokens_per_minute, metadata"
)
COPY_PROBES = sql.SQL("COPY status_probes ({}) FROM STDIN").format(
    sql.SQL(", ").join(map(sql.Identifier, COLUMNS.split(", ")))
)


def prepare() -> tuple[str, list[tuple[str, str]]]:
    run("scripts/services.sh", "start")
    python = str(ROOT / ".venv/bin/python")
    run(python, "manage.py", "migrate", "--noinput", "-v", "0")
    run(python, "manage.py", "import_sources")
    out = subprocess.run(
        [
            python,
            "manage.py",
            "create_api_key",
            "--name",
            "bench ingest",
            "--scopes",
            "write:status",
            "--expires-in",
            "1d",
            "--rate-limit",
            "1000000",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    key = out.strip().splitlines()[-1]
    with psycopg.connect(DSN) as conn:
        models = conn.execute("SELECT id::text, slug FROM models WHERE is_active ORDER BY slug LIMIT 40").fetchall()
        conn.execute("SELECT aigo_ensure_partitions('status_probes', 'day', 7, 90)")
    return key, models


def probe_rows(models, count: int, start: datetime) -> list[dict]:
    """`count` distinct probes: one per (model, region) per second from `start`."""
    rows = []
    for index in range(count):
        model_id, slug = models[index % len(models)]
        region = REGIONS[(index // len(models)) % len(REGIONS)]
        at = start + timedelta(seconds=index // (len(models) * len(REGIONS)))
        rows.append(
            {
                "time": at.isoformat(),
                "model": slug,
                "region": region,
                "probe_location": f"{region}-bench",
                "availability": 99.5,
                "latency_p50": 400,
                "latency_p95": 900,
                "latency_p99": 1500,
                "error_rate": 0.5,
                "requests_per_minute": 3000,
                "tokens_per_minute": 120000,
                "metadata": MARK,
            }
        )
    return rows


def post_probes(key: str, bodies: list[bytes], clients: int = 2) -> float:
    return post_all(
        "/api/v1/status/probes",
        bodies,
        {"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        clients,
        lambda status, payload: status in (200, 201) and json.loads(payload)["stored"] > 0,
    )


def copy_rows(rows: list[dict], models) -> float:
    ids = {slug: model_id for model_id, slug in models}
    with psycopg.connect(DSN) as conn:
        started = time.perf_counter()
        with conn.cursor() as cursor, cursor.copy(COPY_PROBES) as copy:
            for row in rows:
                copy.write_row(
                    (
                        row["time"],
                        ids[row["model"]],
                        row["region"],
                        row["probe_location"],
                        row["availability"],
                        row["latency_p50"],
                        row["latency_p95"],
                        row["latency_p99"],
                        row["error_rate"],
                        row["requests_per_minute"],
                        row["tokens_per_minute"],
                        json.dumps(row["metadata"]),
                    )
                )
        conn.commit()
        return time.perf_counter() - started


def cleanup() -> None:
    with psycopg.connect(DSN, autocommit=True) as conn:
        conn.execute("DELETE FROM status_probes WHERE metadata @> %s::jsonb", [json.dumps(MARK)])
        conn.execute("DELETE FROM api_keys WHERE name = 'bench ingest'")
        # The next run within the hour sends the same keys: left to autovacuum, their dead index
        # entries would slow every unique check of that run, the floor's COPY included.
        conn.execute("VACUUM status_probes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    key, models = prepare()
    # Every case gets its own hour of probe times (100,000 rows span 500 s), so none collide.
    hours = iter(range(24))
    start = datetime.now(UTC).replace(microsecond=0, second=0, minute=0) - timedelta(hours=23)

    def fresh_rows() -> list[dict]:
        return probe_rows(models, args.rows, start + timedelta(hours=next(hours)))

    results: dict[str, list[float]] = {}
    server = serve(cache=True, workers=2, threads=1)
    try:
        for repeat in range(args.repeats):
            for batch in (1_000, 10_000):
                rows = fresh_rows()
                bodies = [json.dumps({"probes": rows[i : i + batch]}).encode() for i in range(0, len(rows), batch)]
                results.setdefault(f"API, batches of {batch:,}", []).append(args.rows / post_probes(key, bodies))
            results.setdefault("raw COPY (floor)", []).append(args.rows / copy_rows(fresh_rows(), models))
            print(f"repeat {repeat + 1}/{args.repeats} done", flush=True)
    finally:
        stop(server)
        cleanup()

    floor = statistics.median(results["raw COPY (floor)"])
    print(f"\n{args.rows:,} probe rows per case, median of {args.repeats}; 2 concurrent clients; 2 sync workers")
    for name, rates in results.items():
        rate = statistics.median(rates)
        print(f"{name:28} {rate:10,.0f} rows/s  {rate / floor:6.0%} of COPY")


if __name__ == "__main__":
    main()
