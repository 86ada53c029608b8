"""`manage.py backup` and `manage.py restore` (aigo/db/backup.py): a backup of a migrated database with
rows in it restores into a fresh database on the same server with every table, grant and policy."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections
from psycopg import sql

from aigo.db.backup import MANIFEST, table_digests
from aigo.db.owner import owner_connect

ROOT = Path(__file__).resolve().parents[3]
SOURCE, TARGET = f"aigo_backup_{os.getpid()}", f"aigo_restored_{os.getpid()}"
RELEASE = "backup-test-release"

# What a restore must keep besides rows: who may do what, and row-level security.
SECURITY_SQL = """
SELECT c.relname, c.relacl::text, c.relrowsecurity, c.relforcerowsecurity,
       ARRAY(SELECT p.polname || ':' || pg_get_expr(p.polqual, p.polrelid) FROM pg_policy p
             WHERE p.polrelid = c.oid ORDER BY 1)
FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm')
ORDER BY 1
"""


def _env(database: str) -> dict:
    app = settings.DATABASES["default"]
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "aigo.settings.test",
        "DATABASE_URL": f"postgres://{app['USER']}@{app['HOST']}:{app['PORT']}/{database}",
        "AIGO_RELEASE": RELEASE,
    }


def _manage(database: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=_env(database), capture_output=True, text=True
    )


def _drop(*names: str) -> None:
    with owner_connect("postgres", autocommit=True) as conn:
        for name in names:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture(scope="module")
def backup(tmp_path_factory):
    """The backup's directory, made of SOURCE (migrated, with rows in the tables that carry triggers,
    row-level security and partitions) and restored into TARGET."""
    _drop(SOURCE, TARGET)
    with owner_connect("postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(SOURCE)))
    folder = tmp_path_factory.mktemp("backups") / "one"
    try:
        migrated = _manage(SOURCE, "migrate", "--noinput")
        assert migrated.returncode == 0, migrated.stderr[-3000:]
        with owner_connect(SOURCE, autocommit=True) as conn:
            conn.execute("INSERT INTO providers (slug, name) VALUES ('openai', 'OpenAI'), ('anthropic', 'Anthropic')")
            conn.execute(
                "INSERT INTO models (slug, name, provider_id)"
                " SELECT 'm-' || slug, jsonb_build_object('en-US', name), id FROM providers"
            )
            conn.execute("INSERT INTO user_preferences (user_identifier) VALUES ('v_backup_backup_backup')")
            conn.execute(
                "INSERT INTO status_probes (time, model_id, region, probe_location, availability)"
                " SELECT now(), id, 'us-east', 'test', 100 FROM models"
            )
        made = _manage(SOURCE, "backup", "--output", str(folder))
        assert made.returncode == 0, made.stderr[-3000:]
        assert "providers: 2 rows" in made.stdout
        restored = _manage(SOURCE, "restore", str(folder), "--database", TARGET)
        assert restored.returncode == 0, restored.stderr[-3000:]
        assert "every table matches the backup" in restored.stdout
        yield folder
    finally:
        _drop(SOURCE, TARGET)


def _digests(database: str) -> dict:
    with owner_connect(database) as conn:
        return table_digests(conn)


def test_every_table_restores_with_the_same_rows(backup):
    manifest = json.loads((backup / MANIFEST).read_text())
    source = _digests(SOURCE)
    assert _digests(TARGET) == source == manifest["tables"]
    assert manifest["tables"]["providers"]["rows"] == 2
    assert manifest["tables"]["status_probes"]["rows"] == 2
    assert manifest["tables"]["catalog_changes"]["rows"] > 0  # written by the triggers
    assert manifest["release"] == RELEASE
    assert settings.AIGO_DB_APP_ROLE in manifest["roles"]


def test_grants_and_row_level_security_are_restored(backup):
    with owner_connect(SOURCE) as source, owner_connect(TARGET) as target:
        kept = source.execute(SECURITY_SQL).fetchall()
        assert target.execute(SECURITY_SQL).fetchall() == kept
    assert ("user_preferences", True, True) in {(name, rls, forced) for name, _, rls, forced, _ in kept}


def test_the_restored_database_needs_no_migration(backup):
    checked = _manage(TARGET, "migrate", "--check")
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_api_reads_from_the_restored_copy(backup, client, settings, django_db_setup, django_db_blocker):
    settings.AIGO_RESPONSE_CACHE = False
    database = connections["default"].settings_dict
    test_database = database["NAME"]
    with django_db_blocker.unblock():
        connections.close_all()
        database["NAME"] = TARGET
        try:
            response = client.get("/api/v1/providers/anthropic/")
        finally:
            connections.close_all()
            database["NAME"] = test_database
    assert response.status_code == 200
    assert response.json()["name"] == "Anthropic"


def test_restoring_into_a_database_in_use_is_refused_and_changes_nothing(backup):
    before = _digests(TARGET)
    again = _manage(SOURCE, "restore", str(backup), "--database", TARGET)
    assert again.returncode == 1
    assert "restore into an empty database" in again.stderr
    assert _digests(TARGET) == before
