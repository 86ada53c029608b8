"""A checked batch into status_probes, whole or not at all, stored once however often it is sent.

The rows are COPYed straight into status_probes under a savepoint, and the batch's (model, region,
5-minute bucket) keys are queued for status.rollups. When the dedupe index (time, model_id,
region, probe_location) refuses a row (a retried batch, a duplicate inside the batch), the
savepoint is rolled back and the batch takes the slower way: COPY into a temporary staging table
and INSERT ... ON CONFLICT DO NOTHING, which queues the keys of the rows it inserted.
"""

import functools
from collections.abc import Sequence

import orjson
from django.db import connection, transaction
from psycopg import sql
from psycopg.errors import DeadlockDetected, UniqueViolation

from status.ingest.checks import ValidBatch

# status_probes' columns in COPY order; a validated row is a tuple in this order.
COLUMNS = (
    "time",
    "model_id",
    "region",
    "probe_location",
    "availability",
    "latency_p50",
    "latency_p95",
    "latency_p99",
    "error_rate",
    "error_types",
    "requests_per_minute",
    "tokens_per_minute",
    "status_code_distribution",
    "metadata",
)
_COLUMN_LIST = sql.SQL(", ").join(map(sql.Identifier, COLUMNS))

# Dropped first: inside an enclosing transaction (tests, ATOMIC_REQUESTS) ON COMMIT DROP has
# not happened yet when the next batch arrives. Created per batch rather than kept per
# session so the service also works behind a transaction-mode pooler.
STAGING_CREATE = (
    "DROP TABLE IF EXISTS pg_temp.status_probes_staging;"
    " CREATE TEMP TABLE status_probes_staging (LIKE status_probes) ON COMMIT DROP"
)
STAGING_COPY = sql.SQL("COPY status_probes_staging ({columns}) FROM STDIN").format(columns=_COLUMN_LIST)
# Ordered so that concurrent batches with overlapping keys take their locks in the same order.
# uses index: status_probes_dedupe
_INSERT = sql.SQL("""
    INSERT INTO status_probes ({columns})
    SELECT {columns} FROM status_probes_staging ORDER BY time, model_id, region, probe_location
    ON CONFLICT (time, model_id, region, probe_location) DO NOTHING
    RETURNING model_id, region, time
""").format(columns=_COLUMN_LIST)
INSERT_AND_QUEUE = sql.SQL("""
WITH inserted AS ({insert}),
queued AS (
    INSERT INTO status_rollup_queue (model_id, region, bucket)
    SELECT DISTINCT model_id, region, time_bucket('5 minutes', time) FROM inserted ORDER BY 1, 2, 3
    ON CONFLICT DO NOTHING
)
SELECT count(*) FROM inserted
""").format(insert=_INSERT)
# TimescaleDB's continuous aggregates need no queue.
INSERT_ONLY = sql.SQL("WITH inserted AS ({insert}) SELECT count(*) FROM inserted").format(insert=_INSERT)
# The fast way, for a batch none of whose rows is stored yet: the rows' own COPY, no staging.
DIRECT_COPY = sql.SQL("COPY status_probes ({columns}) FROM STDIN").format(columns=_COLUMN_LIST)
# One probe time per (model, region, 5-minute bucket) of the batch, already few, as one JSON
# parameter (orjson writes it far faster than a driver formats three arrays); time_bucket() decides.
QUEUE_KEYS = """
INSERT INTO status_rollup_queue (model_id, region, bucket)
SELECT DISTINCT model_id, region, time_bucket('5 minutes', time)
FROM json_to_recordset(%s::json) AS keys (model_id uuid, region text, time timestamptz) ORDER BY 1, 2, 3
ON CONFLICT DO NOTHING
"""
# What the dedupe index (or two batches locking its keys in different orders) throws at the fast way.
_STORED_ALREADY = (UniqueViolation, DeadlockDetected)


@functools.cache
def _has_rollup_queue() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('status_rollup_queue') IS NOT NULL")
        return cursor.fetchone()[0]


def _copy(cursor, statement: sql.Composable, rows: Sequence[tuple]) -> None:
    with cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def probes_store(*, batch: ValidBatch) -> int:
    """COPY a batch's valid rows into status_probes; returns how many were new."""
    queue = _has_rollup_queue()
    # A savepoint around the COPY only, which the dedupe index may refuse; any other failure fails the
    # caller's transaction anyway. Never released: the commit does that, a RELEASE is one more round trip.
    with transaction.atomic(savepoint=False):
        connection.ensure_connection()
        with connection.connection.cursor() as cursor:
            fresh = transaction.savepoint()
            try:
                _copy(cursor, DIRECT_COPY, batch.rows)
            except _STORED_ALREADY:
                transaction.savepoint_rollback(fresh)
            else:
                if queue:
                    keys = [
                        {"model_id": model_id, "region": region, "time": when}
                        for (model_id, region, _), when in batch.buckets.items()
                    ]
                    cursor.execute(QUEUE_KEYS, [orjson.dumps(keys).decode()])
                return len(batch.rows)
            cursor.execute(STAGING_CREATE)
            _copy(cursor, STAGING_COPY, batch.rows)
            cursor.execute(INSERT_AND_QUEUE if queue else INSERT_ONLY)
            return cursor.fetchone()[0]
