"""What a replica identity costs on the tables without a primary key (status_probes, audit_logs,
analytics_events): once published, PostgreSQL refuses DELETE on them without one (issue 15, D2).

Three copies of a probe table's shape, partitioned by day like the real one, in a throwaway database:
no identity (the floor), REPLICA IDENTITY FULL, and a key (id, time) used as the identity. For each:
rows/s inserted by COPY, the hot path of all three tables (ingestion, the request log, beacons).
Deletes (erasure, cleanup) are rare; FULL makes each log the whole old row.

    .venv/bin/python bench/replica_identity.py [rows]
"""

import sys
import time
import uuid
from datetime import UTC, datetime, timedelta

import psycopg
from psycopg import sql

from bench.databases import database_create, database_drop

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
DAY = datetime(2026, 12, 1, tzinfo=UTC)

# A probe row's columns (status_probes), with an id for the keyed variant.
COLUMNS = """id uuid NOT NULL, time timestamptz NOT NULL, model_id uuid NOT NULL, region varchar(20) NOT NULL,
    probe_location varchar(50), availability numeric(5,2), latency_p50 integer, latency_p95 integer,
    error_rate numeric(5,2), metadata jsonb"""
VARIANTS = {
    "no identity (floor)": "",
    "REPLICA IDENTITY FULL": "ALTER TABLE {t} REPLICA IDENTITY FULL; ALTER TABLE {p} REPLICA IDENTITY FULL",
    "key (id, time)": "ALTER TABLE {t} ADD PRIMARY KEY (id, time)",
}


def _rows():
    models = [uuid.uuid4() for _ in range(50)]
    for n in range(ROWS):
        yield (
            uuid.uuid4(),
            DAY + timedelta(seconds=n * 86_000 / ROWS),
            models[n % 50],
            "us-east",
            "probe-1",
            99.5,
            120,
            300,
            0.5,
            '{"sdk": "bench"}',
        )


def measure(conn: psycopg.Connection, n: int, setup: str) -> float:
    table, part = sql.Identifier(f"variant_{n}"), sql.Identifier(f"variant_{n}_day")
    conn.execute(sql.SQL("CREATE TABLE {} (" + COLUMNS + ") PARTITION BY RANGE (time)").format(table))
    conn.execute(
        sql.SQL("CREATE TABLE {} PARTITION OF {} FOR VALUES FROM ({}) TO ({})").format(
            part, table, sql.Literal(DAY), sql.Literal(DAY + timedelta(days=1))
        )
    )
    conn.execute(sql.SQL("CREATE INDEX ON {} (model_id, time DESC)").format(table))
    if setup:
        conn.execute(sql.SQL(setup).format(t=table, p=part))
    rows = list(_rows())
    started = time.perf_counter()
    with conn.cursor().copy(sql.SQL("COPY {} FROM STDIN").format(table)) as copy:
        for row in rows:
            copy.write_row(row)
    return ROWS / (time.perf_counter() - started)


def main() -> None:
    dsn = database_create("aigo_bench_identity")
    try:
        with psycopg.connect(dsn, autocommit=True) as conn:
            results = {name: measure(conn, n, setup) for n, (name, setup) in enumerate(VARIANTS.items())}
    finally:
        database_drop("aigo_bench_identity")
    floor = results["no identity (floor)"]
    print(f"{ROWS:,} probe-shaped rows by COPY into a day partition")
    print(f"{'variant':24} {'rows/s':>10} {'of floor':>9}")
    for name, rate in results.items():
        print(f"{name:24} {rate:10,.0f} {rate / floor:9.2f}")


if __name__ == "__main__":
    main()
