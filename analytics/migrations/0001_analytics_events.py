"""analytics_events: a hypertable when the server offers TimescaleDB, else daily range
partitions kept by aigo.db.partitions.

The seed's columns (event_type NOT NULL added: daily_stats groups by it and its unique index
must cover every row). The seed declares the table PARTITION BY RANGE and then makes it a
hypertable, which TimescaleDB refuses ("not possible to turn partitioned tables into
hypertables"): a plain table becomes the hypertable there. No primary key, as in the seed: on a
partitioned table it would have to include timestamp and would cost every insert an index probe
for nothing that reads by id. The DDL is frozen here, as it ran.
"""

import logging

from django.db import migrations

from aigo.db.migration_helpers import has_timescaledb

log = logging.getLogger("aigo.migrations")

EVENTS_COLUMNS = """
    id UUID NOT NULL DEFAULT gen_random_uuid(),
    timestamp TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
    session_id VARCHAR(100),
    event_type VARCHAR(50) NOT NULL,
    event_properties JSONB,
    user_properties JSONB,
    device_properties JSONB,
    geo_properties JSONB,
    referrer_properties JSONB
"""

EVENTS_INDEXES = [
    # Time ranges within a day (analytics queries, the bench).
    "CREATE INDEX idx_analytics_events_time ON analytics_events (timestamp DESC)",
    # uses: trending's SQL fallback and rebuild (model_view over the last 7 days).
    "CREATE INDEX idx_analytics_events_type_time ON analytics_events (event_type, timestamp DESC)",
    # One model's views over time.
    "CREATE INDEX idx_analytics_events_model_views ON analytics_events ((event_properties ->> 'model_id'), timestamp)"
    " WHERE event_type = 'model_view'",
]

TIMESCALE = [
    "CREATE EXTENSION IF NOT EXISTS timescaledb",
    "CREATE TABLE analytics_events (" + EVENTS_COLUMNS + ")",
    # create_default_indexes => FALSE: the timestamp index is the first of EVENTS_INDEXES.
    "SELECT create_hypertable('analytics_events', 'timestamp', chunk_time_interval => INTERVAL '1 day',"
    " create_default_indexes => FALSE, if_not_exists => TRUE)",
    *EVENTS_INDEXES,
    "SELECT add_retention_policy('analytics_events', INTERVAL '90 days')",
]

NATIVE = [
    "CREATE TABLE analytics_events (" + EVENTS_COLUMNS + ") PARTITION BY RANGE (timestamp)",
    *EVENTS_INDEXES,
]

REVERSE = ["DROP TABLE IF EXISTS analytics_events"]


def create(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        timescale = has_timescaledb(cursor)
        log.warning("analytics_events: %s engine", "TimescaleDB" if timescale else "native partitions")
        for statement in TIMESCALE if timescale else NATIVE:
            cursor.execute(statement)
        if not timescale:
            cursor.execute("SELECT aigo_ensure_partitions('analytics_events', 'day', 7, 0)")


def drop(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for statement in REVERSE:
            cursor.execute(statement)


class Migration(migrations.Migration):
    initial = True
    dependencies = [("aigo", "0004_partition_manager")]

    operations = [migrations.RunPython(create, drop)]
