"""status_probes and its 5-minute and hourly rollups, on TimescaleDB when the server offers it
and on native partitions otherwise.

With TimescaleDB: the seed's hypertable, compression, retention and continuous aggregates
(with the start offset the seed got wrong raised to 15 minutes, and real-time aggregation on).
Without it: daily range partitions kept by aigo.db.partitions, rollup tables with the seed's
columns maintained by status.rollups, and a time_bucket() built on date_bin so queries read the
same. The DDL is frozen here, as it ran: the native rollup's SELECTs (status/rollup_sql.py) are
checked against the continuous aggregates below by tests/status/test_engine.py.
"""

import logging

from django.db import migrations

from aigo.db.migration_helpers import has_timescaledb

log = logging.getLogger("aigo.migrations")

STATUS_PROBES_COLUMNS = """
    time TIMESTAMP WITH TIME ZONE NOT NULL,
    model_id UUID NOT NULL,
    region VARCHAR(20) NOT NULL,
    probe_location VARCHAR(50),
    availability DECIMAL(5, 2) CHECK (availability BETWEEN 0 AND 100),
    latency_p50 INTEGER CHECK (latency_p50 >= 0),
    latency_p95 INTEGER CHECK (latency_p95 >= 0),
    latency_p99 INTEGER CHECK (latency_p99 >= 0),
    error_rate DECIMAL(5, 2) CHECK (error_rate BETWEEN 0 AND 100),
    error_types JSONB DEFAULT '{}'::jsonb,
    requests_per_minute INTEGER CHECK (requests_per_minute >= 0),
    tokens_per_minute BIGINT CHECK (tokens_per_minute >= 0),
    status_code_distribution JSONB DEFAULT '{}'::jsonb,
    metadata JSONB DEFAULT '{}'::jsonb
"""

# Shared by both engines: a batch sent twice stores its rows once (ON CONFLICT on this index;
# NULLS NOT DISTINCT so probes without a location deduplicate too), and the seed's indexes.
STATUS_PROBES_INDEXES = [
    "CREATE UNIQUE INDEX status_probes_dedupe ON status_probes (time, model_id, region, probe_location)"
    " NULLS NOT DISTINCT",
    "CREATE INDEX idx_probes_model_time ON status_probes (model_id, time DESC)",
    "CREATE INDEX idx_probes_region_time ON status_probes (region, time DESC)",
]

TIMESCALE = [
    "CREATE EXTENSION IF NOT EXISTS timescaledb",
    "CREATE TABLE status_probes (" + STATUS_PROBES_COLUMNS + ")",
    "SELECT create_hypertable('status_probes', 'time', chunk_time_interval => INTERVAL '1 day', if_not_exists => TRUE)",
    *STATUS_PROBES_INDEXES,
    "ALTER TABLE status_probes SET (timescaledb.compress, timescaledb.compress_segmentby = 'model_id,region')",
    "SELECT add_compression_policy('status_probes', INTERVAL '3 days')",
    "SELECT add_retention_policy('status_probes', INTERVAL '90 days')",
    """CREATE MATERIALIZED VIEW status_5min WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT
    time_bucket('5 minutes', time) AS bucket,
    model_id,
    region,
    AVG(availability) AS avg_availability,
    AVG(latency_p50) AS avg_latency_p50,
    AVG(latency_p95) AS avg_latency_p95,
    AVG(latency_p99) AS avg_latency_p99,
    AVG(error_rate) AS avg_error_rate,
    SUM(requests_per_minute) AS total_requests,
    SUM(tokens_per_minute) AS total_tokens,
    COUNT(*) AS probe_count
FROM status_probes
 GROUP BY bucket, model_id, region WITH NO DATA""",
    # The seed's 10 minutes is refused ("policy refresh window too small"): two buckets at least.
    "SELECT add_continuous_aggregate_policy('status_5min', start_offset => INTERVAL '15 minutes',"
    " end_offset => INTERVAL '1 minute', schedule_interval => INTERVAL '5 minutes')",
    """CREATE MATERIALIZED VIEW status_hourly WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT
    time_bucket('1 hour', time) AS bucket,
    model_id,
    region,
    AVG(availability) AS avg_availability,
    MIN(availability) AS min_availability,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_p95) AS median_latency_p95,
    MAX(latency_p95) AS max_latency_p95,
    AVG(error_rate) AS avg_error_rate,
    SUM(requests_per_minute) AS total_requests,
    SUM(tokens_per_minute) AS total_tokens
FROM status_probes
 GROUP BY bucket, model_id, region WITH NO DATA""",
    "SELECT add_continuous_aggregate_policy('status_hourly', start_offset => INTERVAL '3 hours',"
    " end_offset => INTERVAL '1 hour', schedule_interval => INTERVAL '30 minutes')",
]

NATIVE = [
    # TimescaleDB's time_bucket() for widths up to a day, on date_bin with its Monday origin.
    "CREATE OR REPLACE FUNCTION time_bucket(bucket_width INTERVAL, ts TIMESTAMPTZ) RETURNS TIMESTAMPTZ"
    " LANGUAGE sql IMMUTABLE PARALLEL SAFE"
    " AS $$ SELECT date_bin(bucket_width, ts, TIMESTAMPTZ '2000-01-03 00:00:00+00') $$",
    "CREATE TABLE status_probes (" + STATUS_PROBES_COLUMNS + ") PARTITION BY RANGE (time)",
    *STATUS_PROBES_INDEXES,
    """CREATE TABLE status_5min (
        bucket TIMESTAMPTZ NOT NULL,
        model_id UUID NOT NULL,
        region VARCHAR(20) NOT NULL,
        avg_availability NUMERIC,
        avg_latency_p50 NUMERIC,
        avg_latency_p95 NUMERIC,
        avg_latency_p99 NUMERIC,
        avg_error_rate NUMERIC,
        total_requests BIGINT,
        total_tokens NUMERIC,
        probe_count BIGINT NOT NULL,
        PRIMARY KEY (model_id, region, bucket)
    )""",
    """CREATE TABLE status_hourly (
        bucket TIMESTAMPTZ NOT NULL,
        model_id UUID NOT NULL,
        region VARCHAR(20) NOT NULL,
        avg_availability NUMERIC,
        min_availability NUMERIC,
        median_latency_p95 DOUBLE PRECISION,
        max_latency_p95 INTEGER,
        avg_error_rate NUMERIC,
        total_requests BIGINT,
        total_tokens NUMERIC,
        PRIMARY KEY (model_id, region, bucket)
    )""",
    # (model, region, 5-minute bucket) keys that received rows since the last rollup run:
    # the rollup re-aggregates exactly these, so its cost follows new rows, not table size.
    """CREATE TABLE status_rollup_queue (
        model_id UUID NOT NULL,
        region VARCHAR(20) NOT NULL,
        bucket TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (model_id, region, bucket)
    )""",
]

NATIVE_REVERSE = [
    "DROP TABLE IF EXISTS status_rollup_queue",
    "DROP TABLE IF EXISTS status_hourly",
    "DROP TABLE IF EXISTS status_5min",
    "DROP TABLE IF EXISTS status_probes",
    "DROP FUNCTION IF EXISTS time_bucket(INTERVAL, TIMESTAMPTZ)",
]

TIMESCALE_REVERSE = [
    "DROP MATERIALIZED VIEW IF EXISTS status_hourly",
    "DROP MATERIALIZED VIEW IF EXISTS status_5min",
    "DROP TABLE IF EXISTS status_probes",
]


def create(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        timescale = has_timescaledb(cursor)
        log.warning("status_probes: %s engine", "TimescaleDB" if timescale else "native partitions")
        for statement in TIMESCALE if timescale else NATIVE:
            cursor.execute(statement)
        if not timescale:
            cursor.execute("SELECT aigo_ensure_partitions('status_probes', 'day', 7, 90)")


def drop(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for statement in TIMESCALE_REVERSE if has_timescaledb(cursor) else NATIVE_REVERSE:
            cursor.execute(statement)


class Migration(migrations.Migration):
    initial = True
    dependencies = [("aigo", "0004_partition_manager")]

    operations = [migrations.RunPython(create, drop)]
