"""analytics_events on either engine (tests/timeseries.py), the shared partition manager, and daily_stats."""

import datetime
import importlib
import uuid

import pglast
import pytest
from django.db import transaction

from aigo.db import partitions
from aigo.db.partitions import PARTITIONED, Partitioning, partitions_ensure
from analytics.stats import daily_stats_refresh
from tests.db import sql
from tests.timeseries import assert_days_kept, day_of, holders, timescale

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
# The DDL as it ran: frozen in the migration, not taken from live code.
MIGRATION = importlib.import_module("analytics.migrations.0001_analytics_events")


def _event(at, event_type="page_view", session="s-1", model_id=None):
    properties = f'{{"model_id": "{model_id}"}}' if model_id else '{"path": "/"}'
    sql(
        "INSERT INTO analytics_events (timestamp, session_id, event_type, event_properties) VALUES (%s, %s, %s, %s)",
        [at, session, event_type, properties],
    )


@pytest.fixture
def history():
    """Partitions for the days behind today too (the migration makes today and ahead only)."""
    partitions_ensure()


def _midnight() -> datetime.datetime:
    return datetime.datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def test_events_are_kept_by_day_a_week_ahead_and_back_to_retention():
    plan = PARTITIONED["analytics_events"]
    assert plan.step == "day" and plan.ahead >= 7 and plan.retention == 90
    assert_days_kept("analytics_events")


def test_events_land_in_their_days_partition_or_chunk(history):
    midnight = _midnight()
    _event(midnight - datetime.timedelta(microseconds=1))
    _event(midnight)
    assert holders("analytics_events", "timestamp") == [day_of(midnight - datetime.timedelta(days=1)), day_of(midnight)]
    later = midnight + datetime.timedelta(days=30)
    if timescale():  # a chunk is made for the day of any row
        _event(later)
        assert holders("analytics_events", "timestamp")[-1] == day_of(later)
        return
    with pytest.raises(Exception, match="no partition"), transaction.atomic():
        _event(later)


def test_the_partition_manager_skips_tables_that_are_not_partitioned(monkeypatch):
    """With TimescaleDB the time series are hypertables (plain tables) that keep their own chunks."""
    monkeypatch.setattr(partitions, "PARTITIONED", {"models": Partitioning("day", ahead=7, retention=1)})
    assert partitions_ensure() == {"models": {"created": 0, "dropped": 0, "skipped": 1}}
    assert not sql("SELECT 1 FROM pg_inherits WHERE inhparent = 'models'::regclass")


@pytest.mark.parametrize("statement", MIGRATION.TIMESCALE)
def test_timescaledb_ddl_parses(statement):
    assert pglast.parse_sql(statement)


def test_the_native_engine_is_the_one_installed_here():
    has_timescale = sql("SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'")
    relkind = sql("SELECT relkind FROM pg_class WHERE relname = 'analytics_events'")[0][0]
    assert relkind == ("r" if has_timescale else "p")


DIRECT = """
SELECT date_trunc('day', timestamp, 'UTC') AS day, event_type, COUNT(*), COUNT(DISTINCT session_id)
FROM analytics_events GROUP BY 1, 2 ORDER BY 1, 2
"""
DIRECT_PER_MODEL = """
SELECT date_trunc('day', timestamp, 'UTC'), event_properties ->> 'model_id', COUNT(*)
FROM analytics_events WHERE event_type = 'model_view' GROUP BY 1, 2 ORDER BY 1, 2
"""


def test_daily_stats_equal_a_direct_group_by_after_a_refresh(history):
    a, b = uuid.uuid4(), uuid.uuid4()
    yesterday = _midnight() - datetime.timedelta(hours=20)
    today = _midnight() + datetime.timedelta(minutes=5)
    for index in range(5):
        _event(yesterday, "model_view", session=f"s-{index % 2}", model_id=a)
    _event(yesterday, "model_view", model_id=b)
    _event(today, "model_view", session="s-9", model_id=b)
    _event(today, "search", session="s-9")
    _event(today, "page_view", session=None)
    _event(today, "page_view", session="s-3")
    assert daily_stats_refresh() is not None
    stats = sql("SELECT day, event_type, event_count, unique_sessions FROM daily_stats ORDER BY 1, 2")
    assert stats == sql(DIRECT)
    per_model = sql("SELECT day, key, value::bigint FROM daily_stats, jsonb_each_text(model_views) ORDER BY 1, 2")
    assert per_model == sql(DIRECT_PER_MODEL)
    assert sql("SELECT count(*) FROM daily_stats WHERE model_views IS NOT NULL AND event_type <> 'model_view'") == [
        (0,)
    ]


def test_daily_stats_has_the_unique_index_a_concurrent_refresh_needs():
    assert sql("SELECT indexdef FROM pg_indexes WHERE tablename = 'daily_stats'") == [
        ("CREATE UNIQUE INDEX idx_daily_stats ON public.daily_stats USING btree (day, event_type)",)
    ]
