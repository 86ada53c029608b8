"""The rebuild's statements, composed with psycopg.sql from an inspected `Table`.

The copy and its sync trigger, the copy batches, the verification ranges and checksums, the swap and
what follows it. Only the swap reads the catalog: the copy's index names are PostgreSQL's choice.
"""

import psycopg
from psycopg import sql

from .inspect import _index_rows
from .table import Table, _kind, _names, _qualified, _rows


def _insert(table: Table, target: sql.Composable) -> sql.Composable:
    override = sql.SQL(" OVERRIDING SYSTEM VALUE") if table.identity_always else sql.SQL("")
    return sql.SQL("INSERT INTO {} ({}){}").format(target, _names(table.columns), override)


def prepare_statements(table: Table) -> list[sql.Composable]:
    """The copy, and the trigger keeping it in step, created in one transaction so no write is missed."""
    new, old, function = table.ident("_rebuild"), table.ident(), table.ident("_rebuild_sync")
    pk = _names(table.pk)
    rest = [c for c in table.columns if c not in table.pk]
    on_conflict = (
        sql.SQL("DO UPDATE SET {}").format(
            sql.SQL(", ").join(sql.SQL("{0} = EXCLUDED.{0}").format(sql.Identifier(c)) for c in rest)
        )
        if rest
        else sql.SQL("DO NOTHING")
    )
    # Runs as the owner (SECURITY DEFINER): the app role writing to <t> has no grants on the copy.
    body = sql.SQL(
        """
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        TRUNCATE {new};
        RETURN NULL;
    END IF;
    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND ({old_pk}) IS DISTINCT FROM ({new_pk})) THEN
        DELETE FROM {new} WHERE ({pk}) = ({old_pk});
    END IF;
    IF TG_OP <> 'DELETE' THEN
        {insert} VALUES ({values}) ON CONFLICT ({pk}) {on_conflict};
    END IF;
    RETURN NULL;
END
"""
    ).format(
        new=new,
        pk=pk,
        old_pk=_names(table.pk, "OLD."),
        new_pk=_names(table.pk, "NEW."),
        insert=_insert(table, new),
        values=_names(table.columns, "NEW."),
        on_conflict=on_conflict,
    )
    trigger, truncate = (
        sql.Identifier(table.local("_rebuild_sync")),
        sql.Identifier(table.local("_rebuild_sync_truncate")),
    )
    return [
        sql.SQL("CREATE TABLE {} (LIKE {} INCLUDING ALL)").format(new, old),
        sql.SQL(
            "CREATE FUNCTION {}() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER "
            "SET search_path = pg_catalog, pg_temp AS {}"
        ).format(function, sql.Literal(body.as_string())),
        sql.SQL("CREATE TRIGGER {} AFTER INSERT OR UPDATE OR DELETE ON {} FOR EACH ROW EXECUTE FUNCTION {}()").format(
            trigger, old, function
        ),
        sql.SQL("CREATE TRIGGER {} AFTER TRUNCATE ON {} FOR EACH STATEMENT EXECUTE FUNCTION {}()").format(
            truncate, old, function
        ),
        # ALWAYS: also in sessions with session_replication_role = replica (restores, replication apply).
        sql.SQL("ALTER TABLE {} ENABLE ALWAYS TRIGGER {}").format(old, trigger),
        sql.SQL("ALTER TABLE {} ENABLE ALWAYS TRIGGER {}").format(old, truncate),
    ]


def abort_statements(table: Table) -> list[sql.Composable]:
    return [
        sql.SQL("DROP TRIGGER IF EXISTS {} ON {}").format(sql.Identifier(table.local(s)), table.ident())
        for s in ("_rebuild_sync", "_rebuild_sync_truncate")
    ] + [
        sql.SQL("DROP FUNCTION IF EXISTS {}()").format(table.ident("_rebuild_sync")),
        sql.SQL("DROP TABLE IF EXISTS {}").format(table.ident("_rebuild")),
    ]


def copy_statement(table: Table, first: bool, batch_size: int) -> sql.Composable:
    """One batch by primary key. FOR KEY SHARE holds off deletes of the batch's rows until it commits,
    so the sync trigger's DELETE always finds what the batch copied."""
    pk = _names(table.pk)
    after = (
        sql.SQL("true")
        if first
        else sql.SQL("({}) > ({})").format(pk, sql.SQL(", ").join([sql.Placeholder()] * len(table.pk)))
    )
    return sql.SQL(
        "WITH batch AS (SELECT {cols} FROM {old} WHERE {after} ORDER BY {pk} LIMIT {n} FOR KEY SHARE), "
        "copied AS ({insert} SELECT {cols} FROM batch ON CONFLICT DO NOTHING) "
        "SELECT {pk}, count(*) OVER () FROM batch ORDER BY {desc} LIMIT 1"
    ).format(
        cols=_names(table.columns),
        old=table.ident(),
        after=after,
        pk=pk,
        n=sql.Literal(batch_size),
        insert=_insert(table, table.ident("_rebuild")),
        desc=sql.SQL(", ").join(sql.SQL("{} DESC").format(sql.Identifier(c)) for c in table.pk),
    )


def _range(table: Table, low: bool, high: bool) -> sql.Composable:
    pk, marks = _names(table.pk), sql.SQL(", ").join([sql.Placeholder()] * len(table.pk))
    bounds = [sql.SQL("true")]
    if low:
        bounds.append(sql.SQL("({}) > ({})").format(pk, marks))
    if high:
        bounds.append(sql.SQL("({}) <= ({})").format(pk, marks))
    return sql.SQL(" AND ").join(bounds)


def bound_statement(table: Table, low: bool, batch_size: int) -> sql.Composable:
    """The last key of the next verification range."""
    return sql.SQL("SELECT {pk} FROM {t} WHERE {range} ORDER BY {pk} OFFSET {skip} LIMIT 1").format(
        pk=_names(table.pk), t=table.ident(), range=_range(table, low, False), skip=sql.Literal(batch_size - 1)
    )


def verify_statement(table: Table, low: bool, high: bool) -> sql.Composable:
    """Count and md5 of the rows' text in key order, over one key range of both tables (parameters twice)."""
    part = sql.SQL("SELECT count(*), md5(string_agg(t::text, E'\\n' ORDER BY {pk})) FROM {t} t WHERE {range}")
    pk, range_ = _names(table.pk), _range(table, low, high)
    return sql.SQL("SELECT * FROM ({}) old, ({}) copy").format(
        part.format(pk=pk, t=table.ident(), range=range_), part.format(pk=pk, t=table.ident("_rebuild"), range=range_)
    )


def swap_statements(conn: psycopg.Connection, table: Table, lock_timeout: str) -> list[sql.Composable]:
    """One transaction: the copy takes the table's name, indexes' names, and everything listed in inspect()."""
    old, new = table.ident(), table.ident("_rebuild")
    new_oid = _rows(conn, "SELECT to_regclass(%(n)s)::oid", {"n": _qualified(table, "_rebuild")})[0][0]
    unmatched = _index_rows(conn, new_oid)
    renames_old, renames_new, replica_index = [], [], None
    for name, key, replident in table.indexes:
        match = next(i for i, (_, new_key, _) in enumerate(unmatched) if new_key == key)
        renames_old.append(
            sql.SQL("ALTER INDEX {} RENAME TO {}").format(
                sql.Identifier(table.schema, name), sql.Identifier(name[:59] + "_old")
            )
        )
        renames_new.append(
            sql.SQL("ALTER INDEX {} RENAME TO {}").format(
                sql.Identifier(table.schema, unmatched.pop(match)[0]), sql.Identifier(name)
            )
        )
        replica_index = name if replident else replica_index
    referencing = {fk.table.as_string(): fk.table for fk in table.incoming}
    # LOCK TABLE takes views but not materialized views; DROP locks those.
    locked = [old, new, *referencing.values(), *(v.ident for v in table.views if not v.materialized)]
    statements = [
        sql.SQL("SET LOCAL lock_timeout = {}").format(sql.Literal(lock_timeout)),
        sql.SQL("LOCK TABLE {} IN ACCESS EXCLUSIVE MODE").format(sql.SQL(", ").join(locked)),
        *abort_statements(table)[:3],
        *(sql.SQL("DROP {} {}").format(_kind(v.materialized), v.ident) for v in reversed(table.views)),
        *(
            sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(fk.table, sql.Identifier(fk.name))
            for fk in table.incoming
        ),
        sql.SQL("ALTER TABLE {} RENAME TO {}").format(old, sql.Identifier(table.local("_old"))),
        *renames_old,
        sql.SQL("ALTER TABLE {} RENAME TO {}").format(new, sql.Identifier(table.name)),
        *renames_new,
    ]
    if replica_index:
        statements.append(
            sql.SQL("ALTER TABLE {} REPLICA IDENTITY USING INDEX {}").format(old, sql.Identifier(replica_index))
        )
    statements += table.carry
    for publication in table.publications:  # a publication lists tables by oid, not by name
        statements += [
            sql.SQL("ALTER PUBLICATION {} DROP TABLE {}").format(sql.Identifier(publication), table.ident("_old")),
            sql.SQL("ALTER PUBLICATION {} ADD TABLE {}").format(sql.Identifier(publication), table.ident()),
        ]
    statements += [
        sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(fk.table, sql.Identifier(fk.name), fk.definition)
        for fk in table.outgoing + table.incoming
    ]
    for view in table.views:
        statements += [view.create, *view.carry]
    return statements


def finish_statements(table: Table, keep_old: bool) -> list[sql.Composable]:
    """After the swap, each on its own: validation takes no lock that blocks writes."""
    statements = [
        sql.SQL("ALTER TABLE {} VALIDATE CONSTRAINT {}").format(fk.table, sql.Identifier(fk.name))
        for fk in table.outgoing + table.incoming
        if fk.validated
    ]
    statements += [sql.SQL("ANALYZE {}").format(v.ident) for v in table.views if v.materialized]
    if not keep_old:
        statements.append(sql.SQL("DROP TABLE {}").format(table.ident("_old")))
    return statements
