"""Logical replication for real: a second PostgreSQL cluster (scripts/pg_replica.sh) subscribes
to a throwaway database on the primary; rows written on the primary appear on it and are read
through the router with X-AIGO-Region: eu-west; with the replica stopped, reads fall back to
the primary without an error.

Like the browser tests, the databases are created as `postgres` for this module and dropped
after, and the site runs in subprocesses (AIGO_DB_REPLICAS is read at startup), so the rows
are committed while the rest of the suite keeps its per-test transactions.
"""

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[3]
REPLICA_SCRIPT = str(ROOT / "scripts" / "pg_replica.sh")
HEALTH_SECONDS = 1

# Run in the site's process: read two providers through the API as a visitor from eu-west,
# stop the replica, wait out the health cache, and read them again.
CLIENT_SCRIPT = """
import json, subprocess, sys, time
from django.test import Client

client = Client(HTTP_X_AIGO_REGION="eu-west")

def read():
    return {slug: client.get(f"/api/v1/providers/{slug}/").status_code for slug in sys.argv[1:3]}

before = read()
subprocess.run(sys.argv[3:], check=True, capture_output=True)
time.sleep(%(wait)s)
after = read()
print(json.dumps({"before": before, "after": after}))
"""


# A replica cluster of this run's own (.local/pg-replica-test-<pid>), removed after.
REPLICA = ["test-" + str(os.getpid()), str(free_port())]
REPLICA_PORT = int(REPLICA[1])


def _replica(command: str) -> None:
    done = subprocess.run([REPLICA_SCRIPT, command, *REPLICA], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def _dsn(port: int, name: str) -> str:
    return f"postgres://postgres@127.0.0.1:{port}/{name}"


def _admin(port: int) -> psycopg.Connection:
    return psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres", autocommit=True)


def _manage(env: dict, *args: str) -> str:
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _drop_primary(name: str) -> None:
    """The throwaway primary database and the slots of its subscription (they keep it in use)."""
    with _admin(int(settings.DATABASES["default"]["PORT"])) as conn:
        deadline = time.monotonic() + 30
        while slots := conn.execute(
            "SELECT slot_name, active_pid FROM pg_replication_slots WHERE database = %s", [name]
        ).fetchall():
            assert time.monotonic() < deadline, f"slots still in use: {slots}"
            for slot, pid in slots:
                if pid:
                    conn.execute("SELECT pg_terminate_backend(%s)", [pid])
                else:
                    conn.execute("SELECT pg_drop_replication_slot(%s)", [slot])
            time.sleep(0.2)
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def replicated():
    """(env of the site's processes, name of the databases on both clusters and of the subscription)."""
    name = f"aigo_repl_{os.getpid()}"
    primary_port = int(settings.DATABASES["default"]["PORT"])
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "aigo.settings.test",
        "DATABASE_URL": _dsn(primary_port, name),
        "ALLOWED_HOSTS": "testserver",
        "AIGO_RESPONSE_CACHE": "false",
        "AIGO_REDIS_PREFIX": f"test:{name}:",
    }
    try:
        _replica("start")
        with _admin(primary_port) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        with _admin(REPLICA_PORT) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        _manage(env, "migrate", "--noinput")
        yield env, name
    finally:
        # Removing the replica cluster drops its subscription; the slot on the primary goes here.
        _replica("remove")
        _drop_primary(name)


def _wait_for(conn: psycopg.Connection, query: str, params, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while (row := conn.execute(query, params).fetchone()) is None:
        assert time.monotonic() < deadline, f"not replicated within {timeout} s: {params}"
        time.sleep(0.2)
    return row


def test_rows_replicate_and_reads_follow_the_region(replicated):
    env, name = replicated
    replica_dsn = _dsn(REPLICA_PORT, name)

    out = _manage(env, "replication", "setup-primary")
    assert "publication ai_go_global: created" in out
    out = _manage(
        env,
        "replication",
        "add-replica",
        "--region",
        "eu-west",
        "--dsn",
        replica_dsn,
        "--name",
        name,
        "--timeout",
        "120",
    )
    assert f"subscription {name}: replicating" in out

    slug = f"repl-{uuid.uuid4().hex[:8]}"
    marker = f"only-on-replica-{uuid.uuid4().hex[:8]}"
    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as primary:
        primary.execute("INSERT INTO providers (slug, name) VALUES (%s, 'Replicated')", [slug])
    with psycopg.connect(replica_dsn, autocommit=True) as replica:
        _wait_for(replica, "SELECT 1 FROM providers WHERE slug = %s", [slug])
        # A row the primary does not have: seen only when a read really went to the replica.
        replica.execute("INSERT INTO providers (slug, name) VALUES (%s, 'Replica only')", [marker])

    out = _manage({**env, "AIGO_DB_REPLICAS": f"eu-west={replica_dsn}"}, "replication", "status")
    assert f"{name}\tlogical\t{name}\tyes" in out
    assert "replica eu-west (replica_eu_west):" in out and "serving reads" in out

    site_env = {
        **env,
        "AIGO_DB_REPLICAS": f"eu-west={replica_dsn}",
        "AIGO_REPLICA_HEALTH_SECONDS": str(HEALTH_SECONDS),
    }
    script = CLIENT_SCRIPT % {"wait": HEALTH_SECONDS + 0.5}
    stop = [REPLICA_SCRIPT, "stop", *REPLICA]
    done = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup()\n{script}", slug, marker, *stop],
        cwd=ROOT,
        env=site_env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    reads = json.loads(done.stdout.strip().splitlines()[-1])
    assert reads["before"] == {slug: 200, marker: 200}  # from the replica
    assert reads["after"] == {slug: 200, marker: 404}  # from the primary, no error


@pytest.fixture
def subscribed(replicated) -> str:
    """The replica running and subscribed (idempotent: the first test sets it up and stops it at its end)."""
    env, name = replicated
    replica_dsn = _dsn(REPLICA_PORT, name)
    _replica("start")
    _manage(env, "replication", "setup-primary")
    _manage(env, "replication", "add-replica", "--region", "eu-west", "--dsn", replica_dsn, "--name", name)
    return replica_dsn


# Three clients read one provider through the response cache: a visitor from eu-west (its replica), a
# visitor without a region (the primary), and an eu-west client that just wrote (read-your-writes).
CACHE_SCRIPT = """
import json, sys, time
from django.test import Client
from aigo.db.router import PRIMARY_COOKIE

path = f"/api/v1/providers/{sys.argv[1]}/"
wrote = Client(HTTP_X_AIGO_REGION="eu-west")
wrote.cookies[PRIMARY_COOKIE] = str(int(time.time()) + 60)
clients = {"eu": Client(HTTP_X_AIGO_REGION="eu-west"), "home": Client(), "wrote": wrote}
reads = {}
for who in ("eu", "home", "wrote", "eu"):
    response = clients[who].get(path)
    reads.setdefault(who, []).append([response.status_code, response.json()["name"], response["ETag"]])
from aigo.redis import redis_client, rkey
client = redis_client()
reads["ttls"] = sorted(client.ttl(key) for key in client.scan_iter(match=rkey("cache", "response", "*")))
print(json.dumps(reads))
"""


def test_the_response_cache_keeps_a_replicas_answers_to_its_readers(replicated, subscribed):
    env, name = replicated
    slug = f"cached-{uuid.uuid4().hex[:8]}"
    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as primary:
        primary.execute("INSERT INTO providers (slug, name) VALUES (%s, 'Renamed on the primary')", [slug])
    with psycopg.connect(subscribed, autocommit=True) as replica:
        _wait_for(replica, "SELECT 1 FROM providers WHERE slug = %s", [slug])
        # As if the replica had not applied the rename yet.
        replica.execute("UPDATE providers SET name = 'Not yet renamed' WHERE slug = %s", [slug])
    site_env = {
        **env,
        "AIGO_DB_REPLICAS": f"eu-west={subscribed}",
        "AIGO_RESPONSE_CACHE": "true",
        "AIGO_REPLICA_MAX_LAG_SECONDS": "30",
        "AIGO_REDIS_PREFIX": f"test:{uuid.uuid4().hex[:12]}:",
    }
    done = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup()\n{CACHE_SCRIPT}", slug],
        cwd=ROOT,
        env=site_env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    reads = json.loads(done.stdout.strip().splitlines()[-1])
    (eu, eu_again), (home,), (wrote,) = reads["eu"], reads["home"], reads["wrote"]
    assert eu[:2] == [200, "Not yet renamed"] and eu_again == eu  # the second from the cache
    assert home[:2] == [200, "Renamed on the primary"]  # not the replica's copy
    assert wrote == home  # read-your-writes holds through the cache
    assert home[2] != eu[2]
    # The replica's entry lives no longer than the lag a replica may serve with; the primary's, the usual 600 s.
    replica_ttl, primary_ttl = reads["ttls"]
    assert 0 < replica_ttl <= 30 < primary_ttl <= 600


def _rows(dsn: str, query: str) -> list:
    with psycopg.connect(dsn) as conn:
        return conn.execute(query).fetchall()


def test_a_published_table_is_rebuilt_online_and_the_replica_keeps_replicating(replicated, subscribed):
    from tests.aigo.db.test_rebuild_table import Writer

    env, name = replicated
    primary_dsn = env["DATABASE_URL"]
    with psycopg.connect(primary_dsn, autocommit=True) as primary:
        primary.execute("INSERT INTO providers (slug, name) VALUES ('rebuilt', 'Rebuilt') ON CONFLICT DO NOTHING")
        primary.execute(
            """INSERT INTO models (slug, name, provider_id, metadata)
               SELECT 'rebuilt-' || g, '{"en-US": "Rebuilt"}', (SELECT id FROM providers WHERE slug = 'rebuilt'),
                      '{"v": 0}'
               FROM generate_series(1, 400) g ON CONFLICT DO NOTHING"""
        )
    env = {**env, "AIGO_DB_REPLICAS": f"eu-west={subscribed}"}
    plan = _manage(env, "rebuild_table", "models", "--dry-run")
    assert 'CREATE TABLE IF NOT EXISTS "public"."models_rebuild" (LIKE "public"."models")' in plan

    writer = Writer(primary_dsn)
    writer.start()
    try:
        out = _manage(env, "rebuild_table", "models", "--batch-size", "50")
    finally:
        writer.stop.set()
        writer.join()
    assert writer.error is None and writer.writes > 0
    assert "eu-west" in out and "dropped its empty models_rebuild" in out

    marker = f"after-{uuid.uuid4().hex[:8]}"
    with psycopg.connect(primary_dsn, autocommit=True) as primary:
        primary.execute(
            'INSERT INTO models (slug, name, provider_id) VALUES (%s, \'{"en-US": "After"}\', '
            "(SELECT id FROM providers WHERE slug = 'rebuilt'))",
            [marker],
        )
    with psycopg.connect(subscribed, autocommit=True) as replica:
        _wait_for(replica, "SELECT 1 FROM models WHERE slug = %s", [marker])
        assert replica.execute("SELECT to_regclass('models_rebuild')").fetchone() == (None,)
    rows = "SELECT id, slug, metadata FROM models ORDER BY id"
    assert _rows(subscribed, rows) == _rows(primary_dsn, rows)
    assert "serving reads" in _manage(env, "replication", "status")


def test_deletes_from_tables_without_a_key_replicate(replicated, subscribed):
    env, name = replicated
    primary_dsn = env["DATABASE_URL"]
    tag = uuid.uuid4().hex[:8]
    with psycopg.connect(primary_dsn, autocommit=True) as primary:
        primary.execute(
            "INSERT INTO status_probes (time, model_id, region, probe_location) VALUES (now(), %s, 'us-east', %s)",
            [uuid.uuid4(), tag],
        )
        primary.execute("INSERT INTO audit_logs (timestamp, actor) VALUES (now(), %s)", [tag])
        primary.execute("INSERT INTO analytics_events (event_type, session_id) VALUES ('page_view', %s)", [tag])
    checks = {
        "status_probes": "SELECT 1 FROM status_probes WHERE probe_location = %s",
        "audit_logs": "SELECT 1 FROM audit_logs WHERE actor = %s",
        "analytics_events": "SELECT 1 FROM analytics_events WHERE session_id = %s",
    }
    with psycopg.connect(subscribed, autocommit=True) as replica:
        for query in checks.values():
            _wait_for(replica, query, [tag])
    with psycopg.connect(primary_dsn, autocommit=True) as primary:
        for query in checks.values():
            # Erasure and cleanup delete rows: without a replica identity PostgreSQL refuses on a published table.
            primary.execute(query.replace("SELECT 1 FROM", "DELETE FROM"), [tag])
    with psycopg.connect(subscribed, autocommit=True) as replica:
        deadline = time.monotonic() + 30
        while any(replica.execute(query, [tag]).fetchone() for query in checks.values()):
            assert time.monotonic() < deadline, "deletes not replicated"
            time.sleep(0.2)
