"""Backups of the primary that restore (`manage.py backup` / `manage.py restore`).

A backup is a directory: `aigo.dump` (pg_dump --format=custom: schema, data, grants, row-level
security policies, publications) and `manifest.json` (the release, the roles the dump refers to,
and the row count and checksum of every table). The dump and the manifest read one snapshot: the
manifest's transaction exports it and pg_dump imports it, so both describe the same instant.

A table's checksum is the sum of its rows' hashes (the first 64 bits of the md5 of each row's text,
read in one fixed session setup: UTC, ISO dates, shortest exact floats), so the same rows give the
same sum on any server in any order. It costs one sequential read per table, as pg_dump's own copy
does, and no sort or memory that grows with the table.

Redis holds nothing a backup needs: sessions and rate-limit windows are short-lived by design, and
the rest is rebuilt from PostgreSQL (`manage.py rebuild_redis`, the view counts' next flush).
"""

import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from aigo.db.owner import owner_connect, owner_conninfo
from aigo.release import release_id

DUMP = "aigo.dump"
MANIFEST = "manifest.json"
FORMAT = 1
PARTIAL = ".partial"

Progress = Callable[[str], None]

# Every table of the schema, partitioned tables as their root (which reads every partition), without
# the rows extensions keep in their own tables. Not materialized views: derived, and a restore refreshes
# them from the restored tables (so a view that was stale at the backup is not, after the restore).
TABLES_SQL = """
SELECT c.relname FROM pg_class c
WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                  AND d.deptype = 'e')
ORDER BY 1
"""

# The roles a restore needs on its server: the tables' owners and every role granted something.
ROLES_SQL = """
SELECT DISTINCT pg_get_userbyid(c.relowner) FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace
UNION
SELECT DISTINCT pg_get_userbyid(a.grantee) FROM pg_class c, aclexplode(c.relacl) a
WHERE c.relnamespace = 'public'::regnamespace AND a.grantee <> 0
ORDER BY 1
"""

# Sessions that read checksums see values the same way.
SESSION_SQL = (
    "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres'; SET extra_float_digits = 1"
)

# sum() of bigint is numeric: no overflow.
CHECKSUM_SQL = "SELECT count(*), COALESCE(sum(('x' || left(md5(t::text), 16))::bit(64)::bigint), 0) FROM {} t"


class BackupError(Exception):
    pass


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is needed (Debian: postgresql-client, the server's major version or newer)")
    return found


def _libpq(dbname: str | None = None) -> tuple[str, dict[str, str]]:
    """The owner's connection string without its password, and an environment that carries it
    (a password on the command line would show in the process list)."""
    params = conninfo_to_dict(owner_conninfo(dbname))
    password = params.pop("password", None)
    env = {**os.environ, "PGPASSWORD": password} if password else dict(os.environ)
    return make_conninfo(**params), env


def table_digests(conn: psycopg.Connection, progress: Progress = lambda line: None) -> dict[str, dict]:
    """{table: {"rows": n, "checksum": "..."}} of every table, in the connection's transaction."""
    conn.execute(SESSION_SQL)
    tables = conn.execute(TABLES_SQL).fetchall()
    digests = {}
    for number, (table,) in enumerate(tables, 1):
        rows, checksum = conn.execute(sql.SQL(CHECKSUM_SQL).format(sql.Identifier(table))).fetchone()
        digests[table] = {"rows": rows, "checksum": str(checksum)}
        progress(f"  {number}/{len(tables)} {table}: {rows} rows")
    return digests


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def backup_create(output: Path, progress: Progress = lambda line: None) -> dict:
    """Write a backup of the app's database into output (which must not exist); return its manifest.

    It is written under output + ".partial" and renamed when complete, so a directory without that
    suffix always holds a whole backup; a run that fails removes its partial one."""
    if output.exists():
        raise BackupError(f"{output} already exists: each backup gets a new directory")
    partial = output.with_name(output.name + PARTIAL)
    shutil.rmtree(partial, ignore_errors=True)  # what a killed run with the same name left
    partial.mkdir(parents=True)
    try:
        manifest = _write(partial, progress)
        partial.rename(output)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return manifest


def _write(folder: Path, progress: Progress) -> dict:
    conninfo, env = _libpq()
    with owner_connect() as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        progress(f"pg_dump of snapshot {snapshot} to {folder.name}/{DUMP}")
        dump = subprocess.Popen(
            [_tool("pg_dump"), "--format=custom", f"--snapshot={snapshot}", f"--file={folder / DUMP}", conninfo],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            progress("row counts and checksums, while pg_dump runs:")
            tables = table_digests(conn, progress)
            facts = conn.execute(
                "SELECT current_database(), current_setting('server_version'),"
                " ARRAY(SELECT extname::text FROM pg_extension ORDER BY 1)"
            ).fetchone()
            roles = [role for (role,) in conn.execute(ROLES_SQL)]
        finally:
            _, errors = dump.communicate()  # the snapshot must outlive pg_dump's start: keep the transaction
    if dump.returncode:
        raise BackupError(f"pg_dump failed: {errors.strip()[-2000:]}")
    manifest = {
        "format": FORMAT,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "release": release_id(),
        "database": facts[0],
        "server_version": facts[1],
        "extensions": facts[2],
        "roles": roles,
        "dump": {"file": DUMP, "bytes": (folder / DUMP).stat().st_size, "sha256": _sha256(folder / DUMP)},
        "tables": tables,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    progress(f"done: {len(tables)} tables, dump {manifest['dump']['bytes']} bytes, release {manifest['release']}")
    return manifest


def manifest_read(folder: Path) -> dict:
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{folder} is not a backup: {error}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{folder}: manifest format {manifest.get('format')!r}, this code reads {FORMAT}")
    return manifest


def backup_restore(folder: Path, database: str, progress: Progress = lambda line: None) -> list[str]:
    """Restore the backup in folder into database (created if missing, else it must be empty), then
    compare every table with the manifest: the tables that differ (none when the restore is whole).

    pg_restore runs in one transaction: a restore that fails leaves the database empty, so running
    it again is safe."""
    manifest = manifest_read(folder)
    dump = folder / DUMP
    progress(f"checking {DUMP} against the manifest")
    if not dump.is_file() or _sha256(dump) != manifest["dump"]["sha256"]:
        raise BackupError(f"{dump} is missing or not the file the manifest describes")
    if "timescaledb" in manifest["extensions"]:
        raise BackupError("a TimescaleDB database restores with timescaledb_pre_restore(): see docs/operations.md")
    _database_prepare(database, manifest["roles"], progress)
    conninfo, env = _libpq(database)
    progress(f"pg_restore into {database} (one transaction)")
    restore = subprocess.run(
        [
            _tool("pg_restore"),
            "--exit-on-error",
            "--single-transaction",
            # A subscription cannot be made inside a transaction; replicas subscribe again (add-replica).
            "--no-subscriptions",
            f"--dbname={conninfo}",
            str(dump),
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    if restore.returncode:
        raise BackupError(f"pg_restore failed, {database} is left empty: {restore.stderr.strip()[-2000:]}")
    progress("comparing every table with the manifest:")
    with owner_connect(database) as conn:
        restored = table_digests(conn, progress)
    expected = manifest["tables"]
    return sorted(table for table in expected.keys() | restored.keys() if expected.get(table) != restored.get(table))


def _database_prepare(database: str, roles: list[str], progress: Progress) -> None:
    with owner_connect("postgres", autocommit=True) as conn:
        missing = [
            role for role in roles if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone()
        ]
        if missing:
            raise BackupError(
                f"roles missing on this server: {', '.join(missing)}. Roles belong to the server, not the "
                "dump: create them first (docs/operations.md)"
            )
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
            progress(f"created database {database}")
            return
    with owner_connect(database) as conn:
        used = conn.execute(
            "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p')"
        ).fetchone()[0]
    if used:
        raise BackupError(f"{database} already has {used} tables: restore into an empty database")
