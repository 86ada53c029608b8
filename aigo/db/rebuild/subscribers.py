"""Rebuilding a table that a FOR ALL TABLES publication sends to subscribers (the regional replicas).

Such a publication sends the copy `<t>_rebuild` too, from the moment it exists, and a subscriber's
apply stops at a change to a table it does not have. So each subscriber first gets an empty table of
that name: its apply ignores changes to tables its subscription has not synchronised. At the swap the
copy takes the table's name, and subscribers map changes to their tables by name: they go on
applying into their own `<t>`, which holds the same rows (the verification compared the copy with
the table they replicate). Once every subscriber has confirmed the primary's WAL up to the end of the
rebuild, nothing more can come for `<t>_rebuild` and the empty tables are dropped. Subscribers keep
their own table, not rebuilt: a replica's table is rebuilt by re-adding the replica.

Every logical slot of the database must belong to a subscriber given here: one that is not could
not be given its empty table, and would stop.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass

import psycopg
from psycopg import sql

from .inspect import Refused
from .table import Table, _rows

Out = Callable[[str], None]


@dataclass(frozen=True)
class Subscriber:
    name: str
    slot: str  # its replication slot on the primary
    connect: Callable[[], psycopg.Connection]  # autocommit, as a role that may create tables there


def subscribers_check(conn: psycopg.Connection, table: Table, subscribers: list[Subscriber]) -> None:
    if not table.published_to_all:
        return
    slots = _rows(
        conn,
        "SELECT slot_name FROM pg_replication_slots WHERE slot_type = 'logical' AND database = current_database()",
    )
    unknown = sorted({slot for (slot,) in slots} - {s.slot for s in subscribers})
    if unknown:
        raise Refused(
            f"{table.schema}.{table.name} is published to all tables' subscribers, and the slots "
            f"{', '.join(unknown)} belong to none of the replicas configured (AIGO_DB_REPLICAS): each subscriber "
            "needs an empty <table>_rebuild first, or its replication stops"
        )


def placeholder_statements(table: Table) -> tuple[sql.Composable, sql.Composable]:
    """Create and drop, on each subscriber."""
    return (
        sql.SQL("CREATE TABLE IF NOT EXISTS {} (LIKE {})").format(table.ident("_rebuild"), table.ident()),
        sql.SQL("DROP TABLE IF EXISTS {}").format(table.ident("_rebuild")),
    )


def placeholders_create(table: Table, subscribers: list[Subscriber], out: Out) -> None:
    if not table.published_to_all:
        return
    create, _ = placeholder_statements(table)
    for subscriber in subscribers:
        with subscriber.connect() as conn:
            conn.execute(create)
        out(f"  {subscriber.name}: empty {table.name}_rebuild, so its apply skips the copy's rows")


def placeholders_drop(
    conn: psycopg.Connection, table: Table, subscribers: list[Subscriber], out: Out, timeout: float = 600
) -> None:
    """Once every subscriber has confirmed the WAL written so far (nothing for the copy can follow)."""
    if not table.published_to_all or not subscribers:
        return
    lsn = conn.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
    slots = [s.slot for s in subscribers]
    out(f"  waiting for {len(slots)} subscriber(s) to confirm the primary's WAL up to {lsn}")
    deadline = time.monotonic() + timeout
    while conn.execute(
        "SELECT count(*) FROM pg_replication_slots WHERE slot_name = ANY(%s) AND confirmed_flush_lsn >= %s",
        [slots, lsn],
    ).fetchone()[0] < len(slots):
        if time.monotonic() > deadline:
            out(
                f"  subscribers did not confirm within {timeout:.0f} s: their empty {table.name}_rebuild stays "
                "(harmless; drop it once they caught up)"
            )
            return
        time.sleep(0.5)
    _, drop = placeholder_statements(table)
    for subscriber in subscribers:
        with subscriber.connect() as sub:
            sub.execute(drop)
        out(f"  {subscriber.name}: dropped its empty {table.name}_rebuild")
