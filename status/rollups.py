"""status_5min and status_hourly on the native engine, maintained incrementally.

Ingestion queues every (model, region, 5-minute bucket) it writes rows into; one rollup run
claims the queue (DELETE ... RETURNING, so two runs at once never claim the same key) and
re-aggregates exactly those 5-minute buckets and the hours that contain them from the raw
rows, upserting the results. Late rows re-queue their bucket and are folded in by the next
run, and the cost follows the rows that arrived, not the size of the table. With TimescaleDB
the continuous aggregates do this and the run does nothing.
"""

import logging
import time
from functools import cache

from django.db import connection, transaction
from psycopg import sql

from status.rollup_sql import GROUP_BY, ROLLUP_5MIN_SELECT, ROLLUP_HOURLY_SELECT

log = logging.getLogger(__name__)

_FIVE_MINUTE_COLUMNS = (
    "avg_availability",
    "avg_latency_p50",
    "avg_latency_p95",
    "avg_latency_p99",
    "avg_error_rate",
    "total_requests",
    "total_tokens",
    "probe_count",
)
_HOURLY_COLUMNS = (
    "avg_availability",
    "min_availability",
    "median_latency_p95",
    "max_latency_p95",
    "avg_error_rate",
    "total_requests",
    "total_tokens",
)


def _upsert(table: str, columns: tuple[str, ...], select: sql.Composable) -> sql.Composed:
    names = [sql.Identifier(column) for column in columns]
    return sql.SQL(
        "INSERT INTO {table} (bucket, model_id, region, {columns}) {select}"
        " ON CONFLICT (model_id, region, bucket) DO UPDATE SET {updates}"
    ).format(
        table=sql.Identifier(table),
        columns=sql.SQL(", ").join(names),
        select=select,
        updates=sql.SQL(", ").join(sql.SQL("{0} = EXCLUDED.{0}").format(name) for name in names),
    )


def _within(keys: str, width: str) -> sql.Composed:
    # The time bounds come first: evaluated once, they let PostgreSQL skip every partition
    # (and, through status_probes_dedupe, every row) outside the claimed buckets.
    return sql.SQL(
        " WHERE status_probes.time >= (SELECT min(bucket) FROM {keys})"
        " AND status_probes.time < (SELECT max(bucket) FROM {keys}) + INTERVAL {width}"
        # Equality on the bucket (not a range per key) lets the semi-join hash on all three
        # columns, so catching up a long backlog costs rows + keys, not rows x keys.
        " AND EXISTS (SELECT 1 FROM {keys} k WHERE k.model_id = status_probes.model_id"
        " AND k.region = status_probes.region"
        " AND k.bucket = time_bucket(INTERVAL {width}, status_probes.time))"
    ).format(keys=sql.Identifier(keys), width=sql.Literal(width))


def _rollup(table: str, columns: tuple[str, ...], select: str, keys: str, width: str) -> sql.Composed:
    return _upsert(table, columns, sql.SQL(select) + _within(keys, width) + sql.SQL(GROUP_BY))


# One statement: claim the queue, rebuild those 5-minute buckets and the hours holding them.
ROLLUP = sql.SQL("""
WITH claimed AS (
    DELETE FROM status_rollup_queue RETURNING model_id, region, bucket
),
hours AS (
    SELECT DISTINCT model_id, region, time_bucket('1 hour', bucket) AS bucket FROM claimed
),
five AS (
    {five}
    RETURNING 1
),
hourly AS (
    {hourly}
    RETURNING 1
)
SELECT (SELECT count(*) FROM claimed), (SELECT count(*) FROM five), (SELECT count(*) FROM hourly)
""").format(
    five=_rollup("status_5min", _FIVE_MINUTE_COLUMNS, ROLLUP_5MIN_SELECT, "claimed", "5 minutes"),
    hourly=_rollup("status_hourly", _HOURLY_COLUMNS, ROLLUP_HOURLY_SELECT, "hours", "1 hour"),
)


@cache
def timescale_engine() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'")
        return cursor.fetchone() is not None


def status_rollup() -> dict[str, int]:
    if timescale_engine():
        return {"claimed": 0, "five_minute": 0, "hourly": 0}
    started = time.monotonic()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(ROLLUP)
        claimed, five, hourly = cursor.fetchone()
    report = {"claimed": claimed, "five_minute": five, "hourly": hourly}
    log.info("status rollup: %s in %.0f ms", report, (time.monotonic() - started) * 1000)
    return report
