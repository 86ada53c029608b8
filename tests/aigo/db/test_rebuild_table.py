"""manage.py rebuild_table against a database of its own, with committed writes from another connection.

The suite's per-test transactions run as the app role, which can neither create tables nor see
another connection's uncommitted rows; so, as the browser tests do, a throwaway database is
created and migrated as the superuser for this module and dropped afterwards.
"""

import json
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[3]
MODELS = 3000


def _admin() -> dict:
    owner = settings.DATABASE_OWNER
    return {"host": owner["HOST"], "port": owner["PORT"], "user": owner["USER"]}


@pytest.fixture(scope="module")
def rebuild_db():
    """(DSN, environment for manage.py) of a migrated database holding MODELS models."""
    name = f"aigo_rebuild_{os.getpid()}"
    admin = _admin()
    with psycopg.connect(**admin, dbname="postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    dsn = f"postgres://{admin['user']}@{admin['host']}:{admin['port']}/{name}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "aigo.settings.test", "DATABASE_URL": dsn}
    try:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=env, check=True, capture_output=True
        )
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(
                "INSERT INTO providers (slug, name) SELECT 'p' || g, 'Provider ' || g FROM generate_series(1, 5) g"
            )
            conn.execute(
                """INSERT INTO models (slug, name, provider_id, metadata)
                   SELECT 'm-' || g, jsonb_build_object('en-US', 'Model ' || g),
                          (SELECT id FROM providers ORDER BY slug LIMIT 1 OFFSET g %% 5), '{"v": 0}'
                   FROM generate_series(1, %s) g""",
                [MODELS],
            )
            conn.execute(
                "INSERT INTO model_endpoints (region, endpoint_url, model_id) "
                "SELECT 'us-east', 'https://api.example.com/' || slug, id FROM models WHERE slug LIKE 'm-1%'"
            )
        yield dsn, env
    finally:
        with psycopg.connect(**admin, dbname="postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)


def _app(dsn: str) -> psycopg.Connection:
    conn = psycopg.connect(dsn, autocommit=True)
    conn.execute(f'SET ROLE "{settings.AIGO_DB_APP_ROLE}"')
    return conn


def _catalog(dsn: str) -> list:
    with psycopg.connect(dsn) as conn:
        return conn.execute(
            "SELECT 'class', relname, relkind::text FROM pg_class WHERE relnamespace = 'public'::regnamespace "
            "UNION ALL SELECT 'trigger', tgname, tgrelid::regclass::text FROM pg_trigger "
            "UNION ALL SELECT 'function', proname, '' FROM pg_proc WHERE pronamespace = 'public'::regnamespace "
            "UNION ALL SELECT 'constraint', conname, confrelid::regclass::text FROM pg_constraint "
            "ORDER BY 1, 2, 3"
        ).fetchall()


class Writer(threading.Thread):
    """Inserts, updates and deletes models as the app role, each statement committed, until stopped."""

    def __init__(self, dsn: str):
        super().__init__(daemon=True)
        self.dsn, self.stop, self.error, self.writes = dsn, threading.Event(), None, 0
        self.latest: dict = {}  # id -> the last metadata.v written
        self.deleted: set = set()

    def run(self) -> None:
        try:
            with _app(self.dsn) as conn:
                self.latest = {row[0]: 0 for row in conn.execute("SELECT id FROM models")}
                provider = conn.execute("SELECT id FROM providers LIMIT 1").fetchone()[0]
                ids, mine = list(self.latest), []
                while not self.stop.is_set():
                    self.writes += 1
                    n = self.writes
                    if n % 3 == 0:
                        (new_id,) = conn.execute(
                            "INSERT INTO models (slug, name, provider_id, metadata) "
                            "VALUES (%s, %s, %s, %s) RETURNING id",
                            [f"w-{n}", json.dumps({"en-US": f"Written {n}"}), provider, json.dumps({"v": n})],
                        ).fetchone()
                        self.latest[new_id] = n
                        mine.append(new_id)
                    elif n % 10 == 1 and mine:
                        gone = mine.pop(random.randrange(len(mine)))
                        conn.execute("DELETE FROM models WHERE id = %s", [gone])
                        del self.latest[gone]
                        self.deleted.add(gone)
                    else:
                        target = random.choice(ids + mine)
                        conn.execute("UPDATE models SET metadata = %s WHERE id = %s", [json.dumps({"v": n}), target])
                        self.latest[target] = n
                    time.sleep(0.002)
        except Exception as error:  # noqa: BLE001 - reported by the test
            self.error = error


def test_dry_run_prints_the_plan_and_changes_nothing(rebuild_db):
    dsn, env = rebuild_db
    before = _catalog(dsn)
    result = _manage(env, "rebuild_table", "models", "--dry-run")
    assert result.returncode == 0, result.stderr
    for statement in (
        'CREATE TABLE "public"."models_rebuild"',
        "CREATE TRIGGER",
        "FOR KEY SHARE",
        "LOCK TABLE",
        'DROP MATERIALIZED VIEW "public"."model_listings"',
        "NOT VALID",
        "VALIDATE CONSTRAINT",
        'DROP TABLE "public"."models_old"',
    ):
        assert statement in result.stdout
    assert _catalog(dsn) == before


def test_rebuild_models_while_another_connection_writes_loses_nothing(rebuild_db):
    dsn, env = rebuild_db
    writer = Writer(dsn)
    writer.start()
    time.sleep(0.3)
    result = _manage(env, "rebuild_table", "models", "--batch-size", "300", "--pause", "0.05")
    during = writer.writes
    time.sleep(0.3)  # and some after the swap, through the same connection
    writer.stop.set()
    writer.join(timeout=10)
    assert result.returncode == 0, result.stderr + result.stdout
    assert writer.error is None
    assert "counts and checksums match" in result.stdout
    assert during > 100 and writer.writes > during

    with psycopg.connect(dsn) as conn:
        rows = dict(conn.execute("SELECT id, (metadata->>'v')::int FROM models").fetchall())
        assert rows == writer.latest
        assert not writer.deleted & rows.keys()
        assert conn.execute("SELECT to_regclass('models_old'), to_regclass('models_rebuild')").fetchone() == (
            None,
            None,
        )
        # Every foreign key to models points at the new table, validated; the triggers came along.
        keys = conn.execute(
            "SELECT conname, convalidated FROM pg_constraint WHERE contype = 'f' AND confrelid = 'models'::regclass"
        ).fetchall()
        assert len(keys) == 8 and all(valid for _, valid in keys)  # model_provenance.model_id is the 8th
        triggers = conn.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = 'models'::regclass AND NOT tgisinternal")
        assert {t for (t,) in triggers} == {
            "models_audit",
            "models_set_updated_at",
            "update_search_vector_trigger",
            "models_change_insert",
            "models_change_update",
            "models_provenance_stale_insert",
            "models_provenance_stale_update",
            "models_provenance_stale_delete",
        }
        assert conn.execute(
            "SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = 'models'::regclass AND indisprimary"
        ).fetchone() == ("models_pkey",)

    with _app(dsn) as conn:
        with pytest.raises(psycopg.errors.ForeignKeyViolation):
            conn.execute(
                "INSERT INTO model_endpoints (region, endpoint_url, model_id) "
                "VALUES ('us-east', 'https://orphan.example.com', gen_random_uuid())"
            )
        conn.execute("SELECT refresh_model_listings()")
        assert conn.execute("SELECT count(*) FROM model_listings").fetchone()[0] == len(writer.latest)
        conn.execute("UPDATE models SET description = '{\"en-US\": \"after\"}' WHERE slug = 'm-1'")
        assert conn.execute(
            "SELECT search_vector IS NOT NULL, updated_at > created_at FROM models WHERE slug = 'm-1'"
        ).fetchone() == (True, True)


def test_refuses_a_table_without_primary_key_or_with_an_unrepointable_key(rebuild_db):
    dsn, env = rebuild_db
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("CREATE TABLE rebuild_nopk (a int)")
        conn.execute("CREATE TABLE rebuild_parent (id int PRIMARY KEY)")
        conn.execute(
            "CREATE TABLE rebuild_child (parent_id int REFERENCES rebuild_parent, day date) PARTITION BY RANGE (day)"
        )
    before = _catalog(dsn)

    result = _manage(env, "rebuild_table", "rebuild_nopk")
    assert result.returncode != 0
    assert "rebuild_nopk has no primary key" in result.stderr

    result = _manage(env, "rebuild_table", "rebuild_parent")
    assert result.returncode != 0
    assert "rebuild_child_parent_id_fkey on public.rebuild_child" in result.stderr
    assert "partitioned" in result.stderr

    result = _manage(env, "rebuild_table", "model_listings")
    assert result.returncode != 0
    assert "is a materialized view" in result.stderr
    assert _catalog(dsn) == before
