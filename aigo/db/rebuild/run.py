"""Running the rebuild: resumable batches, verification on one snapshot, a swap under a lock timeout with retries.

Progress goes to `out`; a dry run prints the plan, every statement in order, and changes nothing.
"""

import time
from collections.abc import Callable, Sequence

import psycopg
from psycopg import sql

from .inspect import inspect
from .statements import (
    abort_statements,
    bound_statement,
    copy_statement,
    finish_statements,
    prepare_statements,
    swap_statements,
    verify_statement,
)
from .subscribers import Subscriber, placeholder_statements, placeholders_create, placeholders_drop, subscribers_check
from .table import Table, _qualified, _rows

Out = Callable[[str], None]
RETRYABLE = (psycopg.errors.LockNotAvailable, psycopg.errors.DeadlockDetected)


class Mismatch(Exception):
    """Verification found the copy different from the table; nothing was swapped."""


def _transaction(conn: psycopg.Connection, statements: list[sql.Composable], retries: int, out: Out) -> None:
    for attempt in range(1, retries + 1):
        try:
            with conn.transaction():
                for statement in statements:
                    conn.execute(statement)
            return
        except RETRYABLE as error:
            if attempt == retries:
                raise
            out(f"  {error.sqlstate} {str(error).strip()} (attempt {attempt} of {retries}); retrying")
            time.sleep(attempt)


def _within_deadlock_timeout(conn: psycopg.Connection, wanted: str) -> str:
    """`wanted`, capped at half the server's deadlock_timeout: in a lock cycle with the application
    (a write planned on the old table while the old table is dropped), the rebuild's wait times out
    and is retried before the server's deadlock check could pick the application's write to fail."""
    wanted_ms, deadlock_ms = conn.execute(
        "SELECT extract(epoch FROM %s::interval) * 1000, current_setting('deadlock_timeout')::interval",
        [wanted],
    ).fetchone()
    cap_ms = deadlock_ms.total_seconds() * 1000 / 2
    return f"{int(min(wanted_ms, cap_ms))}ms"


def _copy(conn: psycopg.Connection, table: Table, batch_size: int, pause: float, out: Out) -> None:
    estimate = _rows(conn, "SELECT reltuples::bigint FROM pg_class WHERE oid = %(oid)s", {"oid": table.oid})[0][0]
    last, copied = None, 0
    while row := conn.execute(copy_statement(table, last is None, batch_size), last).fetchone():
        *last, count = row
        copied += count
        out(f"  copied {copied:,} rows (about {max(estimate, 0):,} in the table)")
        time.sleep(pause)


def _verify(conn: psycopg.Connection, table: Table, batch_size: int, out: Out) -> None:
    # One snapshot for both tables: the sync trigger writes the copy in the same transaction as the table.
    total = 0
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        low: list | None = None
        while True:
            high = conn.execute(bound_statement(table, low is not None, batch_size), low).fetchone()
            params = [*(low or []), *(high or [])]
            counts = conn.execute(verify_statement(table, low is not None, high is not None), params * 2).fetchone()
            if counts[:2] != counts[2:]:
                raise Mismatch(
                    f"keys after {low} up to {high}: {counts[0]} rows (md5 {counts[1]}) in the table, "
                    f"{counts[2]} (md5 {counts[3]}) in the copy; nothing was swapped"
                )
            total += counts[0]
            if high is None:
                break
            low = list(high)
    out(f"  verified {total:,} rows: counts and checksums match")


def rebuild(
    conn: psycopg.Connection,
    qualified: str,
    *,
    batch_size: int = 5000,
    pause: float = 0,
    keep_old: bool = False,
    dry_run: bool = False,
    abort: bool = False,
    lock_timeout: str = "2s",
    retries: int = 5,
    subscribers: Sequence[Subscriber] = (),
    out: Out = print,
) -> None:
    """Rebuild the table online; `conn` is an autocommit connection as the table's owner. When a
    FOR ALL TABLES publication sends it, `subscribers` are all of them (subscribers.py)."""
    # Row-level security must not hide rows from the copy or the checksums: with it off, a query
    # it would filter fails instead (an owner under FORCE ROW LEVEL SECURITY needs BYPASSRLS).
    conn.execute("SET row_security = off")
    table = inspect(conn, qualified)
    subscribers_check(conn, table, list(subscribers))
    lock_timeout = _within_deadlock_timeout(conn, lock_timeout)
    setting = sql.SQL("SET LOCAL lock_timeout = {}").format(sql.Literal(lock_timeout))
    if abort:
        _transaction(conn, [setting, *abort_statements(table)], retries, out)
        placeholders_drop(conn, table, list(subscribers), out)
        out(f"Dropped {_qualified(table, '_rebuild')} and its sync trigger.")
        return
    prepare = [] if table.resuming else [setting, *prepare_statements(table)]
    if table.reloptions and prepare:
        prepare.insert(
            2, sql.SQL("ALTER TABLE {} SET ({})").format(table.ident("_rebuild"), sql.SQL(", ".join(table.reloptions)))
        )
    if dry_run:
        with conn.transaction(force_rollback=True):  # the copy's index names are PostgreSQL's choice: ask it
            if prepare:
                conn.execute(prepare[1])
            swap = swap_statements(conn, table, lock_timeout)
        _print_plan(conn, table, prepare, swap, batch_size, retries, keep_old, out)
        return
    placeholders_create(table, list(subscribers), out)
    if prepare:
        out(f"Creating {_qualified(table, '_rebuild')} and the trigger keeping it in step")
        _transaction(conn, prepare, retries, out)
    else:
        out(f"Resuming: {_qualified(table, '_rebuild')} and its sync trigger exist")
    out("Copying")
    _copy(conn, table, batch_size, pause, out)
    out("Verifying")
    _verify(conn, table, batch_size, out)
    conn.execute(sql.SQL("ANALYZE {}").format(table.ident("_rebuild")))
    table = inspect(conn, qualified)  # what the swap carries over, as it is now
    out("Swapping")
    _transaction(conn, swap_statements(conn, table, lock_timeout), retries, out)
    for statement in finish_statements(table, keep_old):
        out(f"  {statement.as_string(conn)}")
        _transaction(conn, [setting, statement], retries, out)
    placeholders_drop(conn, table, list(subscribers), out)
    out(
        f"Rebuilt {_qualified(table)}" + (f"; the old table is kept as {_qualified(table, '_old')}" if keep_old else "")
    )


def _print_plan(conn, table, prepare, swap, batch_size, retries, keep_old, out: Out) -> None:
    def block(title: str, statements: list[sql.Composable]) -> None:
        out(f"-- {title}")
        for statement in statements:
            out(statement.as_string(conn) + ";")
        out("")

    create, drop = placeholder_statements(table)
    if table.published_to_all:
        block("0. on each subscriber, before the copy exists (it is published as it is made)", [create])
    if prepare:
        block("1. the copy and its sync trigger, in one transaction", [sql.SQL("BEGIN"), *prepare, sql.SQL("COMMIT")])
    block(
        f"2. copy in batches of {batch_size} by primary key, each batch its own transaction, until none is returned "
        "(the first batch without the key condition)",
        [copy_statement(table, False, batch_size)],
    )
    block(
        f"3. verify ranges of {batch_size} keys in one REPEATABLE READ transaction; then analyze the copy",
        [
            bound_statement(table, True, batch_size),
            verify_statement(table, True, True),
            sql.SQL("ANALYZE {}").format(table.ident("_rebuild")),
        ],
    )
    block(
        f"4. swap, in one transaction (up to {retries} attempts on lock timeout)",
        [sql.SQL("BEGIN"), *swap, sql.SQL("COMMIT")],
    )
    block("5. after the swap, each in its own transaction", finish_statements(table, keep_old))
    if table.published_to_all:
        block("6. on each subscriber, once every subscriber confirmed the primary's WAL up to here", [drop])
