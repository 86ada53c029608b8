"""Status rollups on the native engine: the cost of one rollup run against history size, and
30-day history reads from the hourly rollup against the same aggregate over the raw probes.

In a throwaway database of its own (created, migrated, dropped at the end unless --keep):
- probe history for M models x R regions at one probe per minute, written with COPY as the
  owner role; first one day, rolled up once (not timed);
- one new minute of probes (M x R rows) and their queue entries, then status_rollup() timed:
  the median of several repetitions, each with a fresh minute at the same offsets from the top
  of an hour as in the other phase;
- the history extended to 30 days, rolled up (not timed), and the same new-minute rollup timed
  again: the ratio to the one-day figure is what the queue is for (goal: within 2x);
- a 30-day hourly history of one model (all regions) through status.selectors.status_history()
  against the same aggregation over the raw status_probes rows (goal < 50 ms), next to a
  `SELECT 1` round trip as the floor.
Rollups and reads go through Django's connection as the app role, like the service.

With --check, only the correctness part, on either engine and nothing timed: a few days of
history brought up to date by the engine's own means (the native rollup, or a refresh of the
continuous aggregates), then every model's hourly history read through status_history() must
equal the same aggregate over the raw probes (`make test-timescaledb` runs it on TimescaleDB).

    .venv/bin/python bench/rollup.py [--models 20 --regions 5] [--repeat 7] [--keep]
    .venv/bin/python bench/rollup.py --check [--models 3 --regions 2 --days 2]
"""

import argparse
import logging
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.databases import SERVER, database_create, database_drop  # noqa: E402

DATABASE = "aigo_bench_rollup"
os.environ["DATABASE_URL"] = f"{SERVER}/{DATABASE}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aigo.settings.dev")

ROLLUP_RATIO_GOAL = 2.0
HISTORY_GOAL_MS = 50.0
CATCH_UP_CHUNK = timedelta(hours=6)
COPY_COLUMNS = (
    "time, model_id, region, probe_location, availability, latency_p50, latency_p95, latency_p99,"
    " error_rate, requests_per_minute, tokens_per_minute"
)
COPY_PROBES = sql.SQL("COPY status_probes ({}) FROM STDIN").format(
    sql.SQL(", ").join(map(sql.Identifier, COPY_COLUMNS.split(", ")))
)


class History:
    """Writes probes with COPY as the owner and queues their 5-minute buckets like ingestion does."""

    def __init__(self, models: list[uuid.UUID], regions: list[str]):
        self.owner = psycopg.connect(f"{SERVER}/{DATABASE}", autocommit=True)
        self.series = [(str(model), region, f"{region}-probe-1") for model in models for region in regions]
        self.random = random.Random(42)

    def _lines(self, minutes: list[datetime]) -> str:
        rnd = self.random.random
        out = []
        for minute in minutes:
            stamp = minute.isoformat()
            for model, region, location in self.series:
                p50 = 150 + int(rnd() * 600)
                rpm = 50 + int(rnd() * 450)
                out.append(
                    f"{stamp}\t{model}\t{region}\t{location}\t{100 - 3 * rnd() ** 4:.2f}\t{p50}\t{p50 * 2}"
                    f"\t{p50 * 3}\t{2 * rnd() ** 3:.2f}\t{rpm}\t{rpm * 800}\n"
                )
        return "".join(out)

    def write(self, start: datetime, end: datetime, chunk: timedelta = timedelta(hours=6)) -> int:
        """Probes for every minute in [start, end); returns the rows written."""
        rows = 0
        at = start
        while at < end:
            stop = min(at + chunk, end)
            minutes = [at + timedelta(minutes=i) for i in range(int((stop - at).total_seconds() // 60))]
            with self.owner.cursor() as cursor, cursor.copy(COPY_PROBES) as copy:
                copy.write(self._lines(minutes))
            rows += len(minutes) * len(self.series)
            at = stop
        return rows

    def queue(self, start: datetime, end: datetime) -> int:
        cursor = self.owner.execute(
            """INSERT INTO status_rollup_queue (model_id, region, bucket)
               SELECT DISTINCT model_id, region, time_bucket('5 minutes', time) FROM status_probes
               WHERE time >= %s AND time < %s ON CONFLICT DO NOTHING""",
            [start, end],
        )
        return cursor.rowcount

    def vacuum(self) -> None:
        for table in ("status_probes", "status_5min", "status_hourly", "status_rollup_queue"):
            self.owner.execute(sql.SQL("VACUUM (ANALYZE) {}").format(sql.Identifier(table)))

    def scale(self) -> dict[str, tuple[int, int]]:
        """Rows and bytes (with indexes) of the probes and both rollups."""
        report = {}
        for table in ("status_probes", "status_5min", "status_hourly"):
            rows = self.owner.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))).fetchone()[0]
            size = self.owner.execute(
                "SELECT coalesce((SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree(%s::regclass)),"
                " pg_total_relation_size(%s::regclass))",
                [table, table],
            ).fetchone()[0]
            report[table] = (rows, int(size))
        return report


HISTORY_RAW = """
    SELECT region, time_bucket('1 hour', time) AS bucket, AVG(availability),
           percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_p95), AVG(error_rate)
    FROM status_probes WHERE model_id = %s AND time >= %s AND time < %s
    GROUP BY region, bucket ORDER BY region, bucket"""


def history_read(model: uuid.UUID, start: datetime, stop: datetime) -> list[dict]:
    from status.selectors import status_history

    # end is inclusive in the selector: stop minus a second is the last full hour before stop
    last = stop - timedelta(seconds=1)
    return status_history(model_id=model, resolution="1h", start=start, end=last, region=None)


def history_raw(model: uuid.UUID, start: datetime, stop: datetime) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(HISTORY_RAW, [model, start, stop])
        return cursor.fetchall()


def check(history: History, models: list[uuid.UUID], days: int) -> None:
    """The rollups read back as the raw aggregate, on the engine the server has."""
    from status.rollups import status_rollup, timescale_engine

    stop = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    start = stop - timedelta(days=days)
    rows = history.write(start, stop)
    per_series = days * 24
    if timescale_engine():
        engine = "TimescaleDB"
        # Real-time aggregation would hide a refresh that did nothing: the materialized rows must be there.
        for view, buckets in (("status_5min", per_series * 12), ("status_hourly", per_series)):
            history.owner.execute("CALL refresh_continuous_aggregate(%s, %s, %s)", [view, start, stop])
            schema, table = history.owner.execute(
                "SELECT materialization_hypertable_schema, materialization_hypertable_name"
                " FROM timescaledb_information.continuous_aggregates WHERE view_name = %s",
                [view],
            ).fetchone()
            count = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(schema, table))
            (materialized,) = history.owner.execute(count).fetchone()
            assert materialized == buckets * len(history.series), f"{view}: {materialized} rows materialized"
    else:
        engine = "native"
        history.queue(start, stop)
        status_rollup()
    hours = 0
    for model in models:
        points = history_read(model, start, stop)
        read = [(p["region"], p["availability"], p["latency_p95"], p["error_rate"]) for p in points]
        raw = [
            (region, *(round(float(value), 3) for value in values))
            for region, _bucket, *values in history_raw(model, start, stop)
        ]
        assert read == raw, f"model {model}: the hourly history differs from the raw aggregate"
        hours += len(read)
    print(f"rollup check ({engine} engine): {rows:,} probes, {hours:,} hourly points equal the raw aggregate")


def median_ms(call: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def mib(size: int) -> str:
    return f"{size / 2**20:,.0f} MiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=20)
    parser.add_argument("--regions", type=int, default=5)
    parser.add_argument("--days", type=int, default=30, help="history of the large phase")
    parser.add_argument("--repeat", type=int, default=7, help="timed rollup runs per phase (one new minute each)")
    parser.add_argument("--reads", type=int, default=20, help="timed history reads")
    parser.add_argument("--keep", action="store_true", help=f"keep the {DATABASE} database")
    parser.add_argument("--check", action="store_true", help="only check the rollups against the raw probes")
    args = parser.parse_args()

    database_create(DATABASE)
    try:
        run(args)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            database_drop(DATABASE)


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from status.rollups import status_rollup, timescale_engine

    settings.DEBUG = False  # no query log
    logging.getLogger("status.rollups").setLevel(logging.WARNING)
    regions = list(settings.AIGO_REGIONS[: args.regions])
    regions += [f"bench-{i}" for i in range(len(regions), args.regions)]
    settings.AIGO_REGIONS = regions  # status_history(region=None) reads these
    models = [uuid.UUID(int=random.Random(i).getrandbits(128), version=4) for i in range(args.models)]

    started = time.monotonic()
    call_command("migrate", "--noinput", verbosity=0)
    history = History(models, regions)
    if not timescale_engine():
        history.owner.execute("SELECT aigo_ensure_partitions('status_probes', 'day', 7, 90)")
    if args.check:
        check(history, models, args.days)
        history.owner.close()
        return
    if timescale_engine():
        sys.exit("TimescaleDB engine: its continuous aggregates replace status_rollup(); nothing to measure")
    print(f"database {DATABASE} migrated in {time.monotonic() - started:.1f} s")

    # History ends at the top of the current hour; the timed minutes of phase 1 are the first
    # minutes of that hour, those of phase 2 the same minutes one hour later.
    now = datetime.now(UTC)
    end = now.replace(minute=0, second=0, microsecond=0)
    per_minute = args.models * args.regions

    def catch_up(start: datetime, stop: datetime, label: str) -> None:
        # A backlog is rolled up the way the periodic task meets it: a few hours per run. (One
        # run over a 29-day backlog, 835,200 keys, did not finish in 10 minutes: the semi-join
        # hashes on (model, region) and checks every queued bucket of that pair for each row.)
        copied = rolled = 0.0
        rows = queued = runs = 0
        at = start
        while at < stop:
            chunk_end = min(at + CATCH_UP_CHUNK, stop)
            tick = time.monotonic()
            rows += history.write(at, chunk_end)
            copied += time.monotonic() - tick
            tick = time.monotonic()
            queued += history.queue(at, chunk_end)
            report = status_rollup()
            rolled += time.monotonic() - tick
            runs += 1
            assert report["claimed"] > 0, report
            at = chunk_end
        tick = time.monotonic()
        history.vacuum()
        print(
            f"{label}: COPY {rows:,} rows {copied:.1f} s ({rows / copied:,.0f} rows/s); {queued:,} keys rolled up"
            f" in {runs} runs {rolled:.1f} s; VACUUM ANALYZE {time.monotonic() - tick:.1f} s"
        )

    def new_minute_rollups(hour: datetime) -> tuple[float, list[float], dict]:
        samples, report = [], {}
        for i in range(args.repeat):
            minute = hour + timedelta(minutes=i)
            history.write(minute, minute + timedelta(minutes=1))
            assert history.queue(minute, minute + timedelta(minutes=1)) == per_minute
            at = time.perf_counter()
            report = status_rollup()
            samples.append((time.perf_counter() - at) * 1000)
            assert report["claimed"] == per_minute, report
        return statistics.median(samples), samples, report

    catch_up(end - timedelta(days=1), end, "1 day")
    small_ms, small_samples, small_report = new_minute_rollups(end)
    small_scale = history.scale()

    catch_up(end - timedelta(days=args.days), end - timedelta(days=1), f"{args.days} days")
    large_ms, large_samples, large_report = new_minute_rollups(end + timedelta(hours=1))
    large_scale = history.scale()

    # History: the last 30 days of one model, hourly, all regions.
    model = models[0]
    start, stop = end - timedelta(days=args.days), end

    def selector():
        return history_read(model, start, stop)

    def raw():
        return history_raw(model, start, stop)

    def floor():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchall()

    points, raw_rows = selector(), raw()  # warm: plans, buffers, the connection
    filled = sum(point["availability"] is not None for point in points)
    assert filled == len(raw_rows) == args.days * 24 * args.regions, (filled, len(raw_rows))
    floor()
    read_rounds = max(3, args.reads // 4)
    history_ms = median_ms(selector, args.reads)
    raw_ms = median_ms(raw, read_rounds)
    floor_ms = median_ms(floor, args.reads)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0].split()[0]
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
    history.owner.close()

    print(
        f"\nStatus rollups: {args.models} models x {args.regions} regions x 1 probe/min = {per_minute} rows/min;"
        f" PostgreSQL {version}, native engine, commit {commit.strip() or '?'};"
        f" total run {time.monotonic() - started:.0f} s"
    )
    print(f"{'scale':24} {'probes':>12} {'probe size':>11} {'5min rows':>10} {'hourly rows':>12} {'rollup size':>12}")
    for label, scale in (("1 day", small_scale), (f"{args.days} days", large_scale)):
        print(
            f"{label:24} {scale['status_probes'][0]:12,} {mib(scale['status_probes'][1]):>11}"
            f" {scale['status_5min'][0]:10,} {scale['status_hourly'][0]:12,}"
            f" {mib(scale['status_5min'][1] + scale['status_hourly'][1]):>12}"
        )
    print(
        f"\nstatus_rollup() after one new minute ({per_minute} rows, {per_minute} keys), median of {args.repeat}"
        f" (minutes :00-:{args.repeat - 1:02d} of an hour):"
    )
    print(f"  1 day of history   {small_ms:8.2f} ms  runs {' '.join(f'{s:.1f}' for s in small_samples)}")
    print(f"  {args.days} days of history {large_ms:8.2f} ms  runs {' '.join(f'{s:.1f}' for s in large_samples)}")
    print(f"  last run: 1 day {small_report}, {args.days} days {large_report}")
    ratio = large_ms / small_ms
    verdict = "met" if ratio <= ROLLUP_RATIO_GOAL else "NOT met"
    print(f"  ratio {args.days} days / 1 day: {ratio:.2f}x (goal within {ROLLUP_RATIO_GOAL:.0f}x: {verdict})")

    print(f"\n{args.days}-day hourly history, one model, {args.regions} regions ({len(points)} points):")
    print(f"  status_history(resolution='1h') {history_ms:8.2f} ms  median of {args.reads}")
    print(f"  same aggregate over raw probes  {raw_ms:8.2f} ms  median of {read_rounds}")
    print(f"  SELECT 1 (round-trip floor)     {floor_ms:8.2f} ms")
    verdict = "met" if history_ms < HISTORY_GOAL_MS else "NOT met"
    print(f"  speed-up {raw_ms / history_ms:.0f}x; goal < {HISTORY_GOAL_MS:.0f} ms: {verdict}")


if __name__ == "__main__":
    main()
