"""The time-series engine: partitions, the TimescaleDB DDL, and incremental rollups that equal
the same aggregates computed from the raw rows."""

import datetime
import importlib
import uuid
from decimal import Decimal

import pglast
import pytest
from django.db import transaction
from pglast import ast

from aigo.db.partitions import PARTITIONED, partitions_ensure, retention_cutoff
from status import rollup_sql
from status.rollups import status_rollup
from tests.db import sql as _sql

pytestmark = pytest.mark.django_db
# The DDL as it ran: frozen in the migration, not taken from live code.
MIGRATION = importlib.import_module("status.migrations.0001_status_probes")
UTC = datetime.UTC


def _probe(model, region, at, availability, p95, rpm=100, location="fra-1"):
    _sql(
        "INSERT INTO status_probes (time, model_id, region, probe_location, availability, latency_p50, latency_p95,"
        " latency_p99, error_rate, requests_per_minute, tokens_per_minute)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        [at, model, region, location, availability, p95 // 2, p95, p95 * 2, 100 - availability, rpm, rpm * 50],
    )
    _sql(
        "INSERT INTO status_rollup_queue VALUES (%s, %s, time_bucket('5 minutes', %s::timestamptz))"
        " ON CONFLICT DO NOTHING",
        [model, region, at],
    )


def _from_raw(select: str) -> list[tuple]:
    return _sql(f"SELECT * FROM ({select}{rollup_sql.GROUP_BY}) raw ORDER BY model_id, region, bucket")


def _rolled(table: str) -> list[tuple]:
    return _sql(f"SELECT * FROM {table} ORDER BY model_id, region, bucket")


def _now() -> datetime.datetime:
    return datetime.datetime.now(UTC).replace(second=0, microsecond=0) - datetime.timedelta(hours=2)


def _same(rolled: list[tuple], raw: list[tuple]) -> bool:
    def normal(rows):
        return [tuple(round(v, 6) if isinstance(v, Decimal | float) else v for v in row) for row in rows]

    return normal(rolled) == normal(raw)


def test_rollups_equal_the_aggregates_of_the_raw_rows_including_late_rows():
    a, b = uuid.uuid4(), uuid.uuid4()
    start = _now()
    for minute in range(0, 70, 3):  # a little over an hour: several 5-minute buckets, two hours
        at = start + datetime.timedelta(minutes=minute)
        _probe(a, "us-east", at, 99.5 - minute / 100, 900 + minute)
        _probe(a, "eu-west", at, 98.0, 1200, location="ams-1")
        _probe(b, "us-east", at, 100.0, 400 + minute % 7)
    first = status_rollup()
    assert first["claimed"] > 0
    assert _same(_rolled("status_5min"), _from_raw(rollup_sql.ROLLUP_5MIN_SELECT))
    assert _same(_rolled("status_hourly"), _from_raw(rollup_sql.ROLLUP_HOURLY_SELECT))

    # A late row for an already rolled-up bucket, and a second batch into a bucket already holding rows.
    _probe(a, "us-east", start + datetime.timedelta(minutes=1, seconds=30), 10.0, 9000, location="sin-1")
    _probe(b, "us-east", start + datetime.timedelta(minutes=4, seconds=59), 50.0, 5000, location="sin-1")
    second = status_rollup()
    assert second["claimed"] == 2 and second["five_minute"] == 2 and second["hourly"] == 2
    assert _same(_rolled("status_5min"), _from_raw(rollup_sql.ROLLUP_5MIN_SELECT))
    assert _same(_rolled("status_hourly"), _from_raw(rollup_sql.ROLLUP_HOURLY_SELECT))

    assert status_rollup() == {"claimed": 0, "five_minute": 0, "hourly": 0}


def test_rollup_work_follows_new_rows_not_history():
    model = uuid.uuid4()
    start = _now() - datetime.timedelta(days=2)
    for minute in range(0, 600, 5):
        _probe(model, "us-east", start + datetime.timedelta(minutes=minute), 99.0, 800)
    status_rollup()
    _probe(model, "us-east", _now(), 97.0, 700)
    assert status_rollup() == {"claimed": 1, "five_minute": 1, "hourly": 1}


def test_time_bucket_matches_timescaledb_origin():
    assert _sql("SELECT time_bucket('5 minutes', '2026-01-01 10:07:30+00'::timestamptz)")[0][0] == datetime.datetime(
        2026, 1, 1, 10, 5, tzinfo=UTC
    )
    assert _sql("SELECT time_bucket('1 hour', '2026-01-01 10:59:59+00'::timestamptz)")[0][0] == datetime.datetime(
        2026, 1, 1, 10, tzinfo=UTC
    )


def test_daily_partitions_cover_retention_behind_and_a_week_ahead():
    plan = PARTITIONED["status_probes"]
    assert plan.ahead >= 7
    partitions_ensure()
    today = datetime.datetime.now(UTC).date()
    names = {
        name
        for (name,) in _sql(
            "SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = 'status_probes'::regclass"
        )
    }
    wanted = {f"status_probes_{today + datetime.timedelta(days=d):%Y_%m_%d}" for d in range(-plan.retention, 8)}
    assert wanted <= names


def test_rows_land_in_their_days_partition_and_never_in_a_default_one():
    model = uuid.uuid4()
    midnight = datetime.datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    for at in (midnight - datetime.timedelta(microseconds=1), midnight):
        _probe(model, "us-east", at, 99.0, 500)
    placed = _sql("SELECT tableoid::regclass::text FROM status_probes WHERE model_id = %s ORDER BY time", [model])
    day_before = midnight - datetime.timedelta(days=1)
    assert placed == [(f"status_probes_{day_before:%Y_%m_%d}",), (f"status_probes_{midnight:%Y_%m_%d}",)]
    assert not _sql("SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partdefid")
    with pytest.raises(Exception, match="no partition"), transaction.atomic():
        _probe(model, "us-east", midnight + datetime.timedelta(days=30), 99.0, 500)


def test_partitions_past_retention_are_dropped():
    plan = PARTITIONED["status_probes"]
    old_day = retention_cutoff(plan) - datetime.timedelta(days=3)
    name = f"status_probes_{old_day:%Y_%m_%d}"
    _sql("SELECT aigo_ensure_partitions('status_probes', 'day', 0, %s)", [plan.retention + 3])
    assert _sql("SELECT to_regclass(%s)::text", [name]) == [(name,)]
    assert partitions_ensure()["status_probes"]["dropped"] == 3
    assert _sql("SELECT to_regclass(%s)", [name]) == [(None,)]


def test_probe_values_are_checked_by_the_database():
    with pytest.raises(Exception, match="check constraint"), transaction.atomic():
        _probe(uuid.uuid4(), "us-east", _now(), 101.0, 500)
    with pytest.raises(Exception, match="check constraint"), transaction.atomic():
        _probe(uuid.uuid4(), "us-east", _now(), 99.0, -5)


@pytest.mark.parametrize("statement", MIGRATION.TIMESCALE)
def test_timescaledb_ddl_parses(statement):
    """EXPLAIN needs the extension; the real PostgreSQL parser (pglast) at least reads it."""
    assert pglast.parse_sql(statement)


def _continuous_aggregate(name: str) -> ast.SelectStmt:
    (query,) = [
        raw.stmt.query
        for statement in MIGRATION.TIMESCALE
        for raw in pglast.parse_sql(statement)
        if isinstance(raw.stmt, ast.CreateTableAsStmt) and raw.stmt.into.rel.relname == name
    ]
    return query


@pytest.mark.parametrize(
    "name, select", [("status_5min", rollup_sql.ROLLUP_5MIN_SELECT), ("status_hourly", rollup_sql.ROLLUP_HOURLY_SELECT)]
)
def test_the_native_rollup_aggregates_like_the_continuous_aggregate(name, select):
    """The SELECT status.rollups runs is the continuous aggregate's, node for node (positions aside)."""
    (native,) = pglast.parse_sql(select + rollup_sql.GROUP_BY)
    assert native.stmt == _continuous_aggregate(name)


def test_the_native_engine_is_the_one_installed_here():
    has_timescale = _sql("SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'")
    relkind = _sql("SELECT relkind FROM pg_class WHERE relname = 'status_probes'")[0][0]
    assert relkind == ("r" if has_timescale else "p")
