"""Logical replication from the primary to the regional replicas (the seed's Data Replication
Strategy): the ai_go_global publication, a replica's schema and subscription, slot lag, and
the upkeep logical replication leaves to each replica.

Everything here connects as the primary's owner (aigo/db/owner.py) / the login user of the replica's
DATABASES entry or DSN, not the app role: CREATE PUBLICATION ... FOR ALL TABLES and CREATE SUBSCRIPTION
need a superuser.

Not replicated, so kept up on each replica by maintain_replica(): partitions (DDL; rows for a
day without a partition would stop the subscription) and materialized views (refreshed there).
Sequences are not replicated either: replicas only serve reads, and most keys are UUIDs.
"""

import shutil
import subprocess
import time

import psycopg
from django.conf import settings
from psycopg import sql

from aigo.db.owner import owner_connect, owner_conninfo
from aigo.db.partitions import partitions_keep
from aigo.db.rebuild.subscribers import Subscriber
from aigo.db.replicas import connect, replica_alias, replica_lag

PUBLICATION = "ai_go_global"

EXTENSION_TABLES_SQL = """
SELECT n.nspname, c.relname FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
WHERE c.relkind = 'r'
"""


def primary_setup() -> tuple[bool, list[str]]:
    """Create the publication (True if created now) and list the tables it cannot replicate
    updates or deletes of (no primary key or replica identity: only inserts are allowed on those)."""
    with owner_connect(autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_publication WHERE pubname = %s", [PUBLICATION]).fetchone()
        if not exists:
            # Partitions publish as their root table, so a replica needs only the same root
            # (its own partitions may differ, e.g. made on another day).
            conn.execute(
                sql.SQL("CREATE PUBLICATION {} FOR ALL TABLES WITH (publish_via_partition_root = true)").format(
                    sql.Identifier(PUBLICATION)
                )
            )
        no_identity = conn.execute("""
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
              AND c.relreplident = 'd'
              AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary)
            ORDER BY 1
        """).fetchall()
    return not exists, [name for (name,) in no_identity]


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise RuntimeError(f"{name} is needed to copy the primary's schema (Debian: postgresql-client)")
    return found


def schema_copy(replica_dsn: str) -> None:
    """The primary's schema, as it is now, into the (empty) replica database.

    pg_dump rather than `migrate`: migrations also write rows (content types, permissions,
    reference data) that would collide with the subscription's first copy of the same rows.
    """
    dump = subprocess.run(
        [
            _pg_tool("pg_dump"),
            "--schema-only",
            "--no-owner",
            "--no-publications",
            "--no-subscriptions",
            owner_conninfo(),
        ],
        check=True,
        capture_output=True,
    )
    restore = subprocess.run(
        [_pg_tool("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", replica_dsn],
        input=dump.stdout,
        capture_output=True,
    )
    if restore.returncode:
        raise RuntimeError(f"restoring the schema failed: {restore.stderr.decode()[-2000:]}")


def replica_add(region: str, dsn: str, name: str | None = None, timeout: float = 300) -> str:
    """Prepare the replica database at dsn and subscribe it; wait for the first copy. Returns the
    subscription's name (also its slot's on the primary)."""
    name = name or replica_alias(region)
    role = settings.AIGO_DB_APP_ROLE
    with psycopg.connect(dsn, autocommit=True) as conn:
        # The schema's grants name the app role; roles belong to the cluster, not the dump.
        if role and not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone():
            conn.execute(
                sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE").format(
                    sql.Identifier(role)
                )
            )
        has_schema = conn.execute("SELECT to_regclass('public.django_migrations') IS NOT NULL").fetchone()[0]
        if not has_schema:
            schema_copy(dsn)
        subscribed = conn.execute(
            "SELECT 1 FROM pg_subscription s JOIN pg_database d ON d.oid = s.subdbid"
            " WHERE s.subname = %s AND d.datname = current_database()",
            [name],
        ).fetchone()
        if not subscribed:
            # Tables of extensions (PostGIS' spatial_ref_sys) were filled by CREATE EXTENSION on
            # both sides; the first copy brings the primary's rows, so empty them here first.
            for schema, table in conn.execute(EXTENSION_TABLES_SQL).fetchall():
                conn.execute(sql.SQL("TRUNCATE {}").format(sql.Identifier(schema, table)))
            conn.execute(
                sql.SQL("CREATE SUBSCRIPTION {} CONNECTION {} PUBLICATION {}").format(
                    sql.Identifier(name), sql.Literal(owner_conninfo()), sql.Identifier(PUBLICATION)
                )
            )
        deadline = time.monotonic() + timeout
        while conn.execute("SELECT count(*) FROM pg_subscription_rel WHERE srsubstate <> 'r'").fetchone()[0]:
            if time.monotonic() > deadline:
                raise TimeoutError(f"the first copy to {name} did not finish in {timeout:.0f} s")
            time.sleep(0.5)
        replica_maintain(conn)
    return name


def replica_maintain(conn: psycopg.Connection) -> None:
    """A replica's partitions and materialized views, as the primary's beat tasks keep them."""
    with conn.cursor() as cursor:
        partitions_keep(cursor)
    views = conn.execute("SELECT schemaname, matviewname, ispopulated FROM pg_matviews ORDER BY 2").fetchall()
    for schema, view, populated in views:
        # CONCURRENTLY keeps the view readable but needs it populated once (the schema copy is not).
        statement = "REFRESH MATERIALIZED VIEW CONCURRENTLY {}" if populated else "REFRESH MATERIALIZED VIEW {}"
        conn.execute(sql.SQL(statement).format(sql.Identifier(schema, view)))


def replicas_maintain() -> dict[str, str]:
    """replica_maintain() on every configured replica; a replica that fails is reported, not fatal."""
    report = {}
    for region in settings.AIGO_DB_REPLICAS:
        try:
            with connect(replica_alias(region), autocommit=True) as conn:
                replica_maintain(conn)
            report[region] = "ok"
        except psycopg.Error as exc:
            report[region] = f"{type(exc).__name__}: {exc}"
    return report


SUBSCRIPTION_SLOTS_SQL = """
SELECT subname, subslotname FROM pg_subscription
WHERE subdbid = (SELECT oid FROM pg_database WHERE datname = current_database()) ORDER BY 1
"""


def replica_subscribers() -> list[Subscriber]:
    """Every configured replica's subscriptions, for the online rebuild of a published table. A
    replica that cannot be reached raises: the rebuild must not start without it."""
    subscribers = []
    for region in settings.AIGO_DB_REPLICAS:
        alias = replica_alias(region)
        with connect(alias, autocommit=True) as conn:
            rows = conn.execute(SUBSCRIPTION_SLOTS_SQL).fetchall()
        subscribers += [
            Subscriber(f"{region} ({name})", slot, lambda alias=alias: connect(alias, autocommit=True))
            for name, slot in rows
        ]
    return subscribers


def replica_status() -> list[dict]:
    """Each configured replica as the router sees it (probed now, not from the cache)."""
    rows = []
    for region in settings.AIGO_DB_REPLICAS:
        alias = replica_alias(region)
        lag = replica_lag(alias)
        rows.append(
            {
                "region": region,
                "alias": alias,
                "lag_seconds": lag,
                "healthy": lag is not None and lag <= settings.AIGO_REPLICA_MAX_LAG_SECONDS,
            }
        )
    return rows
