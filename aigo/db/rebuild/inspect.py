"""Reading the table from the catalog: what the copy must be given at the swap, and what the rebuild refuses.

`inspect()` returns a `Table`: its primary key and columns, foreign keys in both directions, the views
reading it, and `carry`, the statements that give the copy the table's owner, comment, grants,
row-level security and policies, replica identity, sequences and triggers once it has the name.
What it cannot carry over safely raises `Refused`, with the reason.
"""

import psycopg
from psycopg import sql

from .table import ACTIONS, DEFERRAL, MATCH, TRIGGER_STATE, ForeignKey, Table, View, _kind, _names, _qualified, _rows


class Refused(Exception):
    """The table cannot be rebuilt safely; the message says why and nothing was changed."""


def inspect(conn: psycopg.Connection, qualified: str) -> Table:
    """Read the table from the catalog, refusing what the rebuild cannot carry over safely."""
    schema, _, name = qualified.rpartition(".")
    table = Table(schema or "public", name)
    if len(table.local("_rebuild_sync_truncate")) > 63:
        raise Refused(f"{qualified}: the name is too long for the rebuild's own object names (63 bytes)")
    found = _rows(
        conn,
        """SELECT c.oid, c.relkind, c.relispartition, pg_get_userbyid(c.relowner),
                  pg_has_role(current_user, c.relowner, 'USAGE'),
                  EXISTS (SELECT FROM pg_inherits WHERE inhrelid = c.oid OR inhparent = c.oid),
                  c.relrowsecurity, c.relforcerowsecurity, c.relreplident, coalesce(c.reloptions, '{}'),
                  obj_description(c.oid, 'pg_class')
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = %(schema)s AND c.relname = %(name)s""",
        {"schema": table.schema, "name": name},
    )
    if not found:
        raise Refused(f"{qualified}: no such table")
    table.oid, kind, is_partition, table.owner, is_owner, inherits, rls, force_rls, replident, options, comment = found[
        0
    ]
    kinds = {"v": "a view", "m": "a materialized view", "p": "a partitioned table", "f": "a foreign table"}
    if kind != "r":
        raise Refused(f"{qualified} is {kinds.get(kind, 'not a table')}: only ordinary tables can be rebuilt")
    if is_partition or inherits:
        raise Refused(f"{qualified} is a partition or takes part in inheritance: not handled")
    if not is_owner:
        raise Refused(f"{qualified}: run as its owner ({table.owner}), like migrations, not as {conn.info.user}")
    table.pk = [
        r[0]
        for r in _rows(
            conn,
            """SELECT a.attname FROM pg_index i, unnest(i.indkey) WITH ORDINALITY k(attnum, n), pg_attribute a
               WHERE i.indrelid = %(oid)s AND i.indisprimary AND a.attrelid = i.indrelid AND a.attnum = k.attnum
               ORDER BY k.n""",
            {"oid": table.oid},
        )
    ]
    if not table.pk:
        raise Refused(f"{qualified} has no primary key: rows cannot be copied in batches or kept in step")
    columns = _rows(
        conn,
        """SELECT attname, attgenerated, attidentity FROM pg_attribute
           WHERE attrelid = %(oid)s AND attnum > 0 AND NOT attisdropped ORDER BY attnum""",
        {"oid": table.oid},
    )
    table.columns = [c[0] for c in columns if not c[1]]
    table.identity_always = any(c[2] == "a" for c in columns)
    publications = _rows(
        conn,
        """SELECT p.pubname, p.puballtables FROM pg_publication p
           JOIN pg_publication_tables t ON t.pubname = p.pubname
           WHERE t.schemaname = %(s)s AND t.tablename = %(n)s ORDER BY 1""",
        {"s": table.schema, "n": name},
    )
    table.publications = [pub for pub, all_tables in publications if not all_tables]
    table.published_to_all = any(all_tables for _, all_tables in publications)
    for suffix in ("_rebuild", "_old"):
        if not _rows(conn, "SELECT to_regclass(%(n)s)", {"n": _qualified(table, suffix)})[0][0]:
            continue
        if suffix == "_old":
            raise Refused(f"{_qualified(table, '_old')} exists (kept by an earlier rebuild): drop it first")
        table.resuming = bool(
            _rows(
                conn,
                "SELECT FROM pg_trigger WHERE tgrelid = %(oid)s AND tgname = %(n)s",
                {"oid": table.oid, "n": table.local("_rebuild_sync")},
            )
        )
        if not table.resuming:
            raise Refused(f"{_qualified(table, '_rebuild')} exists without its sync trigger: `--abort` drops it")
    table.reloptions = options
    _foreign_keys(conn, table)
    _views(conn, table)
    _unhandled_dependents(conn, table)
    _indexes_and_carry(conn, table, rls, force_rls, replident, comment)
    return table


def _foreign_keys(conn: psycopg.Connection, table: Table) -> None:
    """Foreign keys to and from the table, re-created NOT VALID on the copy; refuses those it cannot re-create."""
    keys = _rows(
        conn,
        """SELECT con.conname, con.conrelid = %(oid)s, n.nspname, c.relname, c.relkind, con.conparentid <> 0,
                  con.conrelid = con.confrelid, con.confdelsetcols IS NOT NULL, con.condeferrable, con.condeferred,
                  con.confupdtype, con.confdeltype, con.confmatchtype, con.convalidated,
                  ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(attnum, i)
                        JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.i),
                  ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(attnum, i)
                        JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.i),
                  rn.nspname, r.relname
           FROM pg_constraint con
           JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
           JOIN pg_class r ON r.oid = con.confrelid JOIN pg_namespace rn ON rn.oid = r.relnamespace
           WHERE con.contype = 'f' AND %(oid)s IN (con.conrelid, con.confrelid)
           ORDER BY n.nspname, c.relname, con.conname""",
        {"oid": table.oid},
    )
    refusals = []
    for (
        name,
        outgoing,
        schema,
        relname,
        kind,
        inherited,
        self_ref,
        set_columns,
        deferrable,
        deferred,
        on_update,
        on_delete,
        match,
        validated,
        columns,
        ref_columns,
        ref_schema,
        ref_name,
    ) in keys:
        where = f"{name} on {schema}.{relname}"
        if self_ref:
            refusals.append(f"{where} references the table itself: rows copied in batches could not satisfy it")
        elif not outgoing and (kind == "p" or inherited):
            refusals.append(f"{where}: the referencing table is partitioned, which cannot take a NOT VALID foreign key")
        elif set_columns:
            refusals.append(f"{where}: ON DELETE SET NULL/DEFAULT with a column list is not handled")
        if refusals:
            continue
        referencing = table.ident() if outgoing else sql.Identifier(schema, relname)
        referenced = sql.Identifier(ref_schema, ref_name) if outgoing else table.ident()
        definition = sql.SQL("FOREIGN KEY ({}) REFERENCES {} ({}){} ON UPDATE {} ON DELETE {}{} NOT VALID").format(
            _names(columns),
            referenced,
            _names(ref_columns),
            sql.SQL(MATCH[match]),
            sql.SQL(ACTIONS[on_update]),
            sql.SQL(ACTIONS[on_delete]),
            sql.SQL(DEFERRAL[(deferrable, deferred)]),
        )
        (table.outgoing if outgoing else table.incoming).append(ForeignKey(name, referencing, definition, validated))
    if refusals:
        raise Refused(f"{_qualified(table)} has foreign keys that cannot be repointed:\n  " + "\n  ".join(refusals))


def _views(conn: psycopg.Connection, table: Table) -> None:
    """Views and materialized views reading the table, directly or through each other, in creation order."""
    found = _rows(
        conn,
        """WITH RECURSIVE deps(oid, depth) AS (
               SELECT r.ev_class, 1 FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid
               WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass
                 AND d.refobjid = %(oid)s AND r.ev_class <> %(oid)s
               UNION
               SELECT r.ev_class, deps.depth + 1 FROM deps JOIN pg_depend d ON d.refobjid = deps.oid
               JOIN pg_rewrite r ON r.oid = d.objid
               WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass
                 AND r.ev_class <> deps.oid
           )
           SELECT c.oid, n.nspname, c.relname, c.relkind, pg_get_viewdef(c.oid), c.relispopulated,
                  pg_get_userbyid(c.relowner), coalesce(c.reloptions, '{}')
           FROM deps JOIN pg_class c ON c.oid = deps.oid JOIN pg_namespace n ON n.oid = c.relnamespace
           GROUP BY c.oid, n.nspname, c.relname ORDER BY max(deps.depth), n.nspname, c.relname""",
        {"oid": table.oid},
    )
    for oid, schema, name, kind, definition, populated, owner, options in found:
        if kind not in ("v", "m"):
            raise Refused(f"{_qualified(table)}: {schema}.{name} has a rule reading the table: not handled")
        ident = sql.Identifier(schema, name)
        materialized = kind == "m"
        create = sql.SQL("CREATE {}VIEW {}{} AS {}{}").format(
            sql.SQL("MATERIALIZED " if materialized else ""),
            ident,
            sql.SQL(" WITH ({})").format(sql.SQL(", ".join(options))) if options else sql.SQL(""),
            sql.SQL(definition.strip().rstrip(";")),
            sql.SQL(" WITH DATA" if populated else " WITH NO DATA") if materialized else sql.SQL(""),
        )
        carry = [sql.SQL("ALTER {} {} OWNER TO {}").format(_kind(materialized), ident, sql.Identifier(owner))]
        carry += _grants(conn, oid, ident)
        carry += [
            sql.SQL(r[0])
            for r in _rows(
                conn, "SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = %(oid)s", {"oid": oid}
            )
        ]
        carry += _triggers(conn, oid, ident, set())
        table.views.append(View(ident, materialized, create, carry))
    table.view_oids = [r[0] for r in found]


def _unhandled_dependents(conn: psycopg.Connection, table: Table) -> None:
    """Anything else bound to the table or its views by OID (SQL-body functions, other tables' policies...).

    The table's own constraints, triggers and policies are not: they are carried over."""
    oids = [table.oid, *table.view_oids]
    others = _rows(
        conn,
        """SELECT DISTINCT pg_describe_object(d.classid, d.objid, d.objsubid) FROM pg_depend d
           LEFT JOIN pg_constraint con ON d.classid = 'pg_constraint'::regclass AND con.oid = d.objid
           LEFT JOIN pg_trigger tg ON d.classid = 'pg_trigger'::regclass AND tg.oid = d.objid
           LEFT JOIN pg_policy pol ON d.classid = 'pg_policy'::regclass AND pol.oid = d.objid
           WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid = ANY(%(oids)s) AND d.deptype = 'n'
             AND d.classid <> 'pg_rewrite'::regclass
             AND NOT coalesce(con.conrelid = ANY(%(oids)s) OR con.contype = 'f', false)
             AND NOT coalesce(tg.tgrelid = ANY(%(oids)s), false)
             AND NOT coalesce(pol.polrelid = %(table)s, false)
           ORDER BY 1""",
        {"oids": oids, "table": table.oid},
    )
    if others:
        raise Refused(
            f"{_qualified(table)}: these depend on it and would keep pointing at the old table:\n  "
            + "\n  ".join(r[0] for r in others)
        )


def _grants(conn: psycopg.Connection, oid: int, target: sql.Identifier) -> list[sql.Composable]:
    found = _rows(
        conn,
        """SELECT NULL::name, g.grantee, g.privilege_type, g.is_grantable
           FROM pg_class c, aclexplode(c.relacl) g WHERE c.oid = %(oid)s AND g.grantee <> c.relowner
           UNION ALL
           SELECT a.attname, g.grantee, g.privilege_type, g.is_grantable
           FROM pg_attribute a, aclexplode(a.attacl) g WHERE a.attrelid = %(oid)s AND NOT a.attisdropped
           ORDER BY 1 NULLS FIRST, 2, 3""",
        {"oid": oid},
    )
    roles = dict(_rows(conn, "SELECT oid, rolname FROM pg_roles WHERE oid = ANY(%(o)s)", {"o": [r[1] for r in found]}))
    return [
        sql.SQL("GRANT {}{} ON {} TO {}{}").format(
            sql.SQL(privilege),
            sql.SQL(" ({})").format(sql.Identifier(column)) if column else sql.SQL(""),
            target,
            sql.Identifier(roles[grantee]) if grantee else sql.SQL("PUBLIC"),
            sql.SQL(" WITH GRANT OPTION" if grantable else ""),
        )
        for column, grantee, privilege, grantable in found
    ]


def _triggers(conn: psycopg.Connection, oid: int, target: sql.Identifier, skip: set[str]) -> list[sql.Composable]:
    # pg_get_triggerdef names the relation as it is called now; replayed after the swap, that name is the copy's.
    statements = []
    for name, definition, state in _rows(
        conn,
        "SELECT tgname, pg_get_triggerdef(oid), tgenabled FROM pg_trigger"
        " WHERE tgrelid = %(oid)s AND NOT tgisinternal ORDER BY tgname",
        {"oid": oid},
    ):
        if name in skip:
            continue
        statements.append(sql.SQL(definition))
        if state in TRIGGER_STATE:
            statements.append(
                sql.SQL("ALTER TABLE {} {} TRIGGER {}").format(
                    target, sql.SQL(TRIGGER_STATE[state]), sql.Identifier(name)
                )
            )
    return statements


def _index_rows(conn: psycopg.Connection, oid: int) -> list[tuple[str, tuple, bool]]:
    """(name, key, replica identity): two indexes with the same key were made one from the other by LIKE."""
    return [
        (name, (primary, unique, contype, definition.partition(" USING ")[2]), replident)
        for name, primary, unique, contype, definition, replident in _rows(
            conn,
            """SELECT c.relname, i.indisprimary, i.indisunique, con.contype, pg_get_indexdef(i.indexrelid),
                      i.indisreplident
               FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
               LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid
               WHERE i.indrelid = %(oid)s ORDER BY c.relname""",
            {"oid": oid},
        )
    ]


def _indexes_and_carry(
    conn: psycopg.Connection, table: Table, rls: bool, force_rls: bool, replident: str, comment
) -> None:
    target = table.ident()
    table.indexes = _index_rows(conn, table.oid)
    carry = [sql.SQL("ALTER TABLE {} OWNER TO {}").format(target, sql.Identifier(table.owner))]
    if comment is not None:
        carry.append(sql.SQL("COMMENT ON TABLE {} IS {}").format(target, sql.Literal(comment)))
    carry += _grants(conn, table.oid, target)
    if rls:
        carry.append(sql.SQL("ALTER TABLE {} ENABLE ROW LEVEL SECURITY").format(target))
    if force_rls:
        carry.append(sql.SQL("ALTER TABLE {} FORCE ROW LEVEL SECURITY").format(target))
    for name, permissive, roles, command, qual, check in _rows(
        conn,
        "SELECT policyname, permissive, roles, cmd, qual, with_check FROM pg_policies "
        "WHERE schemaname = %(s)s AND tablename = %(n)s ORDER BY policyname",
        {"s": table.schema, "n": table.name},
    ):
        carry.append(
            sql.SQL("CREATE POLICY {} ON {} AS {} FOR {} TO {}{}{}").format(
                sql.Identifier(name),
                target,
                sql.SQL(permissive),
                sql.SQL(command),
                sql.SQL(", ").join(sql.SQL("PUBLIC") if r == "public" else sql.Identifier(r) for r in roles),
                sql.SQL(" USING ({})").format(sql.SQL(qual)) if qual else sql.SQL(""),
                sql.SQL(" WITH CHECK ({})").format(sql.SQL(check)) if check else sql.SQL(""),
            )
        )
    if replident in ("f", "n"):
        carry.append(
            sql.SQL("ALTER TABLE {} REPLICA IDENTITY {}").format(
                target, sql.SQL("FULL" if replident == "f" else "NOTHING")
            )
        )
    for column, kind, seq_schema, seq_name in _rows(
        conn,
        """SELECT a.attname, d.deptype, sn.nspname, s.relname FROM pg_depend d
           JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S' JOIN pg_namespace sn ON sn.oid = s.relnamespace
           JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
           WHERE d.classid = 'pg_class'::regclass AND d.refobjid = %(oid)s AND d.deptype IN ('a', 'i')
           ORDER BY a.attnum""",
        {"oid": table.oid},
    ):
        sequence = sql.Identifier(seq_schema, seq_name)
        if kind == "i":  # the copy has an identity sequence of its own, which has not moved yet
            carry.append(
                sql.SQL("SELECT setval(pg_get_serial_sequence({}, {}), s.last_value, s.is_called) FROM {} s").format(
                    sql.Literal(_qualified(table)), sql.Literal(column), sequence
                )
            )
        else:  # a serial's sequence, shared through the copied default; dropping the old table would drop it
            carry.append(
                sql.SQL("ALTER SEQUENCE {} OWNED BY {}").format(
                    sequence, sql.Identifier(table.schema, table.name, column)
                )
            )
    carry += _triggers(conn, table.oid, target, {table.local("_rebuild_sync"), table.local("_rebuild_sync_truncate")})
    table.carry = carry
