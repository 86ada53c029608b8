"""Writing many changed rows at once: COPY the new values into a temporary table and UPDATE the
table from it in one statement. Django's bulk_update builds a CASE per row and column, which
costs most of an import's time on a first run (thousands of rows)."""

from collections.abc import Sequence
from datetime import date

from django.db import connection
from django.db.models import JSONField, Model
from psycopg import sql
from psycopg.types.json import Jsonb

# Dates a row must keep in this order (the tables' CHECK constraints), (earlier, later).
DATE_ORDER = (("released_at", "deprecated_at"), ("deprecated_at", "sunset_at"), ("released_at", "sunset_at"))
DATE_COLUMNS = ("released_at", "deprecated_at", "sunset_at")


def dates_in_order(row: Model) -> bool:
    """Whether the row's dates satisfy the tables' constraints (a source may give them out of order)."""
    for earlier, later in DATE_ORDER:
        first, then = getattr(row, earlier, None), getattr(row, later, None)
        if isinstance(first, date) and isinstance(then, date) and then < first:
            return False
    return True


def rows_update(rows: Sequence[Model], columns: Sequence[str]) -> int:
    """Write `columns` of `rows` (all of one model) in one statement; returns how many."""
    if not rows:
        return 0
    model = type(rows[0])
    fields = [model._meta.get_field(name) for name in columns]
    table = sql.Identifier(model._meta.db_table)
    staging = sql.Identifier(f"{model._meta.db_table}_resolved")
    names = [sql.Identifier(field.column) for field in fields]
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        # Dropped first: inside an enclosing transaction (tests) ON COMMIT DROP has not run yet.
        cursor.execute(sql.SQL("DROP TABLE IF EXISTS pg_temp.{}").format(staging))
        cursor.execute(
            sql.SQL("CREATE TEMP TABLE {} ON COMMIT DROP AS SELECT id, {} FROM {} WITH NO DATA").format(
                staging, sql.SQL(", ").join(names), table
            )
        )
        copy_statement = sql.SQL("COPY {} (id, {}) FROM STDIN").format(staging, sql.SQL(", ").join(names))
        with cursor.copy(copy_statement) as copy:
            for row in rows:
                copy.write_row([row.pk, *(_adapted(field, getattr(row, field.attname)) for field in fields)])
        cursor.execute(
            sql.SQL("UPDATE {table} t SET {sets} FROM {staging} s WHERE t.id = s.id").format(
                table=table,
                staging=staging,
                sets=sql.SQL(", ").join(sql.SQL("{0} = s.{0}").format(name) for name in names),
            )
        )
        return cursor.rowcount


def _adapted(field, value):
    if isinstance(field, JSONField) and value is not None:
        return Jsonb(value)
    return value
