"""Probes written straight into status_probes and the rollups brought up to date, on either engine.

A test that needs status_5min or status_hourly to hold certain values stores the probes that
aggregate to them: on the native engine the rollups are tables that status.rollups fills from
the queue ingestion writes; on TimescaleDB they are continuous aggregates with real-time
aggregation, which read a test's own (uncommitted) rows, so nothing needs refreshing there.
"""

from datetime import datetime
from decimal import Decimal

from psycopg import sql as psql

from status import rollup_sql
from status.rollups import status_rollup
from tests.db import sql
from tests.timeseries import timescale

# An upsert on the dedupe key, so a test may measure a bucket again; queued like ingestion does.
STORE = """
INSERT INTO status_probes (time, model_id, region, probe_location, availability, latency_p50, latency_p95,
                           latency_p99, error_rate, requests_per_minute, tokens_per_minute)
VALUES (%(time)s, %(model)s, %(region)s, %(location)s, %(availability)s, %(p95)s / 2, %(p95)s, %(p95)s * 2,
        100 - %(availability)s, %(rpm)s, %(rpm)s * 50)
ON CONFLICT (time, model_id, region, probe_location) DO UPDATE SET
    availability = EXCLUDED.availability, latency_p50 = EXCLUDED.latency_p50, latency_p95 = EXCLUDED.latency_p95,
    latency_p99 = EXCLUDED.latency_p99, error_rate = EXCLUDED.error_rate,
    requests_per_minute = EXCLUDED.requests_per_minute, tokens_per_minute = EXCLUDED.tokens_per_minute
"""
QUEUE = """
INSERT INTO status_rollup_queue VALUES (%(model)s, %(region)s, time_bucket('5 minutes', %(time)s::timestamptz))
ON CONFLICT DO NOTHING
"""


def probe_store(model_id, region: str, at: datetime, availability, p95: int = 500, rpm: int = 100, location="fra-1"):
    """One probe (error rate 100 - availability, p50 and p99 half and twice p95) at `at`."""
    values = {
        "time": at,
        "model": model_id,
        "region": region,
        "location": location,
        "availability": availability,
        "p95": p95,
        "rpm": rpm,
    }
    sql(STORE, values)
    if not timescale():
        sql(QUEUE, values)


def rollups_current() -> None:
    """status_5min and status_hourly include every stored probe from here on."""
    if not timescale():
        status_rollup()


def rollup_keys() -> list[tuple]:
    """(model_id, region, bucket) of every 5-minute rollup."""
    return sql("SELECT model_id, region, bucket FROM status_5min ORDER BY 1, 2, 3")


def rolled_up_probes() -> int:
    """How many probes the 5-minute rollups count."""
    return sql("SELECT coalesce(sum(probe_count), 0) FROM status_5min")[0][0]


def from_raw(select: str) -> list[tuple]:
    """A rollup's SELECT (status.rollup_sql) over every raw probe, in the rollups' key order."""
    return sql(f"SELECT * FROM ({select}{rollup_sql.GROUP_BY}) raw ORDER BY model_id, region, bucket")


def rolled(table: str) -> list[tuple]:
    """Every row of a rollup as readers see it (with TimescaleDB: materialized and real-time)."""
    return sql(psql.SQL("SELECT * FROM {} ORDER BY model_id, region, bucket").format(psql.Identifier(table)))


def materialized(table: str) -> list[tuple]:
    """Every row a rollup has stored: the native table, or the continuous aggregate's own hypertable
    (real-time aggregation left out, so only what a refresh wrote)."""
    if not timescale():
        return rolled(table)
    ((schema, name),) = sql(
        "SELECT materialization_hypertable_schema, materialization_hypertable_name"
        " FROM timescaledb_information.continuous_aggregates WHERE view_name = %s",
        [table],
    )
    return sql(psql.SQL("SELECT * FROM {} ORDER BY model_id, region, bucket").format(psql.Identifier(schema, name)))


def same(rollup: list[tuple], raw: list[tuple]) -> bool:
    """Equal rows, numbers compared to six places (the rollups' averages are numeric or float)."""

    def normal(rows):
        return [tuple(round(v, 6) if isinstance(v, Decimal | float) else v for v in row) for row in rows]

    return normal(rollup) == normal(raw)
