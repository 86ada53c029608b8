"""The time-series engine: partitions or chunks, the TimescaleDB DDL, and rollups that equal the
same aggregates computed from the raw rows, on whichever engine the test database has
(tests/timeseries.py)."""

import datetime
import importlib
import uuid

import pglast
import pytest
from django.db import transaction
from pglast import ast

from aigo.db.partitions import PARTITIONED, retention_cutoff
from status import rollup_sql
from status.rollups import status_rollup
from tests.db import sql as _sql
from tests.timeseries import assert_days_kept, day_of, holders, retention_run, timescale

from .rollups import from_raw, rolled, rollups_current, same
from .rollups import probe_store as _probe

# owner_session: TimescaleDB's retention runs as the tables' owner (tests.timeseries.retention_run).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("owner_session")]
# The DDL as it ran: frozen in the migration, not taken from live code.
MIGRATION = importlib.import_module("status.migrations.0001_status_probes")
UTC = datetime.UTC


def _now() -> datetime.datetime:
    return datetime.datetime.now(UTC).replace(second=0, microsecond=0) - datetime.timedelta(hours=2)


def test_rollups_equal_the_aggregates_of_the_raw_rows_including_late_rows():
    a, b = uuid.uuid4(), uuid.uuid4()
    start = _now()
    for minute in range(0, 70, 3):  # a little over an hour: several 5-minute buckets, two hours
        at = start + datetime.timedelta(minutes=minute)
        _probe(a, "us-east", at, 99.5 - minute / 100, 900 + minute)
        _probe(a, "eu-west", at, 98.0, 1200, location="ams-1")
        _probe(b, "us-east", at, 100.0, 400 + minute % 7)
    rollups_current()
    assert same(rolled("status_5min"), from_raw(rollup_sql.ROLLUP_5MIN_SELECT))
    assert same(rolled("status_hourly"), from_raw(rollup_sql.ROLLUP_HOURLY_SELECT))

    # A late row for an already rolled-up bucket, and a second batch into a bucket already holding rows.
    _probe(a, "us-east", start + datetime.timedelta(minutes=1, seconds=30), 10.0, 9000, location="sin-1")
    _probe(b, "us-east", start + datetime.timedelta(minutes=4, seconds=59), 50.0, 5000, location="sin-1")
    rollups_current()
    assert same(rolled("status_5min"), from_raw(rollup_sql.ROLLUP_5MIN_SELECT))
    assert same(rolled("status_hourly"), from_raw(rollup_sql.ROLLUP_HOURLY_SELECT))


def test_rollup_work_follows_new_rows_not_history():
    if timescale():
        # The refresh policies re-aggregate the ranges that new or late rows invalidated, within
        # the window ingestion accepts rows for, and reads add what came after the last refresh.
        policies = _sql(
            "SELECT hypertable_name, config ->> 'start_offset', config ->> 'end_offset', schedule_interval"
            " FROM timescaledb_information.jobs WHERE proc_name = 'policy_refresh_continuous_aggregate' ORDER BY 1"
        )
        assert policies == [
            ("status_5min", "90 days", "00:01:00", datetime.timedelta(minutes=5)),
            ("status_hourly", "90 days", "01:00:00", datetime.timedelta(minutes=30)),
        ]
        assert _sql(
            "SELECT view_name, materialized_only FROM timescaledb_information.continuous_aggregates ORDER BY 1"
        ) == [("status_5min", False), ("status_hourly", False)]
        assert status_rollup() == {"claimed": 0, "five_minute": 0, "hourly": 0}
        return
    model = uuid.uuid4()
    start = _now() - datetime.timedelta(days=2)
    for minute in range(0, 600, 5):
        _probe(model, "us-east", start + datetime.timedelta(minutes=minute), 99.0, 800)
    assert status_rollup()["claimed"] == 120
    now = _now()
    _probe(model, "us-east", now, 97.0, 700)
    _probe(model, "us-east", now + datetime.timedelta(seconds=30), 97.0, 700)  # the same bucket
    assert status_rollup() == {"claimed": 1, "five_minute": 1, "hourly": 1}
    assert status_rollup() == {"claimed": 0, "five_minute": 0, "hourly": 0}


def test_time_bucket_matches_timescaledb_origin():
    assert _sql("SELECT time_bucket('5 minutes', '2026-01-01 10:07:30+00'::timestamptz)")[0][0] == datetime.datetime(
        2026, 1, 1, 10, 5, tzinfo=UTC
    )
    assert _sql("SELECT time_bucket('1 hour', '2026-01-01 10:59:59+00'::timestamptz)")[0][0] == datetime.datetime(
        2026, 1, 1, 10, tzinfo=UTC
    )


def test_probes_are_kept_by_day_for_their_retention():
    assert PARTITIONED["status_probes"].ahead >= 7
    assert_days_kept("status_probes")


def test_rows_land_in_their_days_partition_or_chunk_and_never_in_a_default_one():
    model = uuid.uuid4()
    midnight = datetime.datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    for at in (midnight - datetime.timedelta(microseconds=1), midnight):
        _probe(model, "us-east", at, 99.0, 500)
    assert holders("status_probes", "time") == [day_of(midnight - datetime.timedelta(days=1)), day_of(midnight)]
    later = midnight + datetime.timedelta(days=30)
    if timescale():  # a chunk is made for the day of any row
        _probe(model, "us-east", later, 99.0, 500)
        assert holders("status_probes", "time")[-1] == day_of(later)
        return
    assert not _sql("SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partdefid")
    with pytest.raises(Exception, match="no partition"), transaction.atomic():
        _probe(model, "us-east", later, 99.0, 500)


def test_days_past_retention_are_dropped():
    plan = PARTITIONED["status_probes"]
    cutoff = retention_cutoff(plan)
    if not timescale():  # partitions for the three days before the cutoff (chunks come with rows)
        _sql("SELECT aigo_ensure_partitions('status_probes', 'day', 0, %s)", [plan.retention + 3])
    model = uuid.uuid4()
    kept = cutoff + datetime.timedelta(hours=1)
    for days in (3, 2, 1, 0):
        _probe(model, "us-east", kept - datetime.timedelta(days=days), 99.0, 500)
    assert retention_run("status_probes") == 3
    assert _sql("SELECT time FROM status_probes WHERE model_id = %s", [model]) == [(kept,)]


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
