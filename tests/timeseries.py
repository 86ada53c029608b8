"""The time-series engine under the tests (DESIGN.md, "one schema, two engines"), so the status and
analytics tests assert one behaviour through each engine's own means: daily range partitions
that aigo.db.partitions makes ahead and drops, or TimescaleDB's 1-day chunks that inserts make and
its retention policy drops. `make test` runs them on the native engine, `make test-timescaledb`
on TimescaleDB (scripts/timescaledb.sh)."""

import datetime
from contextlib import contextmanager
from functools import cache

from django.conf import settings
from django.db import connection
from psycopg import sql as psql

from aigo.db.partitions import PARTITIONED, partitions_ensure
from tests.db import sql

DAY = datetime.timedelta(days=1)


@cache
def timescale() -> bool:
    """Whether the test database took the TimescaleDB engine (one engine per test run)."""
    return bool(sql("SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'"))


@contextmanager
def as_owner():
    """Statements as the tables' owner, as TimescaleDB's jobs run: the test's module logs in as the
    owner (the owner_session fixture), which the app role is switched back from."""
    sql("RESET ROLE")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(psql.SQL("SET ROLE {}").format(psql.Identifier(settings.AIGO_DB_APP_ROLE)))


def holders(table: str, time_column: str) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """For each row of `table`, oldest first, the bounds of the partition or chunk that holds it."""
    if timescale():
        query = """
            SELECT c.range_start, c.range_end FROM {table} t
            JOIN timescaledb_information.chunks c
              ON format('%I.%I', c.chunk_schema, c.chunk_name)::regclass = t.tableoid
            ORDER BY t.{time}"""
    else:
        query = r"""
            SELECT bounds[1]::timestamptz, bounds[2]::timestamptz FROM (
                SELECT regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \(''([^'']+)''\) TO \(''([^'']+)''\)')
                       AS bounds, t.{time}
                FROM {table} t JOIN pg_class c ON c.oid = t.tableoid
            ) placed ORDER BY {time}"""
    with connection.cursor() as cursor:
        cursor.execute(psql.SQL(query).format(table=psql.Identifier(table), time=psql.Identifier(time_column)))
        return cursor.fetchall()


def day_of(at: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
    """The UTC day holding `at`: the bounds of its partition or chunk."""
    midnight = at.astimezone(datetime.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight, midnight + DAY


def assert_days_kept(table: str) -> None:
    """`table` is stored by UTC day and kept for its retention: native partitions exist from
    retention days back to a week ahead; TimescaleDB makes 1-day chunks as rows arrive and its
    retention policy drops them after as many days."""
    plan = PARTITIONED[table]
    if timescale():
        chunks = sql("SELECT time_interval FROM timescaledb_information.dimensions WHERE hypertable_name = %s", [table])
        assert chunks == [(DAY,)]
        retention = sql(
            "SELECT (config ->> 'drop_after')::interval FROM timescaledb_information.jobs"
            " WHERE hypertable_name = %s AND proc_name = 'policy_retention'",
            [table],
        )
        assert retention == [(plan.retention * DAY,)]
        return
    partitions_ensure()
    today = datetime.datetime.now(datetime.UTC).date()
    partitions = sql("SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = %s::regclass", [table])
    names = {name for (name,) in partitions}
    wanted = {f"{table}_{today + datetime.timedelta(days=d):%Y_%m_%d}" for d in range(-plan.retention, plan.ahead + 1)}
    assert wanted <= names


def retention_run(table: str) -> int:
    """Drop what is past `table`'s retention as the engine's own job does; returns the partitions
    or chunks dropped."""
    if not timescale():
        return partitions_ensure()[table]["dropped"]
    with as_owner():
        return len(
            sql(
                "SELECT drop_chunks(%s::regclass, older_than => (config ->> 'drop_after')::interval)"
                " FROM timescaledb_information.jobs WHERE hypertable_name = %s AND proc_name = 'policy_retention'",
                [table, table],
            )
        )
