"""The rollups of committed probes as the periodic work stores them: the native rollup's statement,
or TimescaleDB's refresh policies (which cannot run inside a transaction, so the probes and
rollups are committed on a connection of their own and deleted again).

The probes are weeks old: a refresh moves the continuous aggregates' watermark to the newest
bucket it stored, and real-time aggregation (which the other tests' uncommitted rows rely on)
reads the raw rows of the buckets after it only."""

import datetime
import uuid

import pytest
from psycopg import sql as psql

from status import rollup_sql
from status.rollups import ROLLUP
from tests.db import owner_connection
from tests.timeseries import timescale

from .rollups import QUEUE, STORE, from_raw, materialized, same

pytestmark = pytest.mark.django_db
VIEWS = ("status_5min", "status_hourly")


@pytest.fixture
def committed():
    """(store, refresh): store(at, availability, p95, location) commits one probe of a model of its
    own; refresh() stores the rollups of what is committed, by the engine's own means."""
    model = uuid.uuid4()
    conn = owner_connection()
    conn.autocommit = True

    def store(at: datetime.datetime, availability: float, p95: int, location: str = "fra-1") -> None:
        values = {"time": at, "model": model, "region": "us-east", "location": location}
        values |= {"availability": availability, "p95": p95, "rpm": 100}
        conn.execute(STORE, values)
        if not timescale():
            conn.execute(QUEUE, values)

    def refresh() -> None:
        if not timescale():
            conn.execute(ROLLUP)
            return
        jobs = conn.execute(
            "SELECT job_id FROM timescaledb_information.jobs"
            " WHERE proc_name = 'policy_refresh_continuous_aggregate' ORDER BY hypertable_name"
        ).fetchall()
        assert len(jobs) == len(VIEWS)
        for (job,) in jobs:
            conn.execute("CALL run_job(%s)", [job])

    try:
        yield store, refresh
    finally:
        conn.execute("DELETE FROM status_probes WHERE model_id = %s", [model])
        if timescale():  # the emptied buckets leave the continuous aggregates
            for view in VIEWS:
                conn.execute("CALL refresh_continuous_aggregate(%s, NULL, NULL)", [view])
        else:
            for table in ("status_rollup_queue", *VIEWS):
                conn.execute(psql.SQL("DELETE FROM {} WHERE model_id = %s").format(psql.Identifier(table)), [model])
        conn.close()


def test_the_periodic_refresh_stores_the_raw_aggregates_and_folds_late_rows_in(committed):
    """Late rows as old as ingestion accepts (the retention) are folded in too: a prober's backlog
    must not stay out of the rollups (on TimescaleDB, once past the watermark, not even real-time
    aggregation would show it)."""
    store, refresh = committed
    start = datetime.datetime.now(datetime.UTC).replace(second=0, microsecond=0) - datetime.timedelta(days=60)
    for minute in range(0, 70, 3):  # several 5-minute buckets in two hours
        store(start + datetime.timedelta(minutes=minute), 99.5 - minute / 100, 900 + minute)
    refresh()
    assert same(materialized("status_5min"), from_raw(rollup_sql.ROLLUP_5MIN_SELECT))
    assert same(materialized("status_hourly"), from_raw(rollup_sql.ROLLUP_HOURLY_SELECT))
    assert materialized("status_hourly"), "something was stored"

    store(start + datetime.timedelta(minutes=1, seconds=30), 10.0, 9000, location="sin-1")  # a late row
    assert not same(materialized("status_5min"), from_raw(rollup_sql.ROLLUP_5MIN_SELECT)), "stored until a refresh"
    refresh()
    assert same(materialized("status_5min"), from_raw(rollup_sql.ROLLUP_5MIN_SELECT))
    assert same(materialized("status_hourly"), from_raw(rollup_sql.ROLLUP_HOURLY_SELECT))
