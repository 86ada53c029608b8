"""A read replica stopped and started again while a visitor of its region reads: reads fall back to
the primary without an error while it is down and go back to it once it is back and caught up.
The replicated databases and the replica cluster are those of tests/aigo/db/test_replication.py,
which proves replication itself and the fall-back."""

import json
import subprocess
import sys
import uuid

import psycopg

from tests.aigo.db.test_replication import (  # noqa: F401 (replicated is a fixture)
    HEALTH_SECONDS,
    REPLICA,
    REPLICA_PORT,
    REPLICA_SCRIPT,
    ROOT,
    _dsn,
    _manage,
    _wait_for,
    replicated,
)

# In the site's process: read as a visitor from eu-west, stop the replica, read, start it, read
# until the replica answers again.
CLIENT_SCRIPT = """
import json, subprocess, sys, time
from django.db import close_old_connections
from django.test import Client

client = Client(HTTP_X_AIGO_REGION="eu-west")
marker, stop, start = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])

def read():
    # What a server's request_started does and the test client skips: re-arm the connections'
    # health checks, so a connection the restart broke is replaced.
    close_old_connections()
    return client.get(f"/api/v1/providers/{marker}/").status_code

reads = [read()]
subprocess.run(stop, check=True, capture_output=True)
time.sleep(%(wait)s)
reads.append(read())
subprocess.run(start, check=True, capture_output=True)
deadline = time.monotonic() + 60
while (status := read()) != 200 and time.monotonic() < deadline:
    time.sleep(0.5)
reads.append(status)
print(json.dumps(reads))
"""


def test_reads_leave_a_stopped_replica_and_come_back_when_it_returns(replicated):  # noqa: F811 (the fixture)
    env, name = replicated
    replica_dsn = _dsn(REPLICA_PORT, name)
    subprocess.run([REPLICA_SCRIPT, "start", *REPLICA], check=True, capture_output=True)
    _manage(env, "replication", "setup-primary")
    _manage(env, "replication", "add-replica", "--region", "eu-west", "--dsn", replica_dsn, "--name", name)
    slug = f"restart-{uuid.uuid4().hex[:8]}"
    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as primary:
        primary.execute("INSERT INTO providers (slug, name) VALUES (%s, 'Replicated')", [slug])
    with psycopg.connect(replica_dsn, autocommit=True) as replica:
        _wait_for(replica, "SELECT 1 FROM providers WHERE slug = %s", [slug])
        # Only the replica has it: a 200 says the read went there, a 404 that it went to the primary.
        marker = f"replica-only-{uuid.uuid4().hex[:8]}"
        replica.execute("INSERT INTO providers (slug, name) VALUES (%s, 'Replica only')", [marker])

    site_env = {
        **env,
        "AIGO_DB_REPLICAS": f"eu-west={replica_dsn}",
        "AIGO_REPLICA_HEALTH_SECONDS": str(HEALTH_SECONDS),
    }
    stop, start = ([REPLICA_SCRIPT, command, *REPLICA] for command in ("stop", "start"))
    script = CLIENT_SCRIPT % {"wait": HEALTH_SECONDS + 0.5}
    done = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup()\n{script}", marker, json.dumps(stop), json.dumps(start)],
        cwd=ROOT,
        env=site_env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [200, 404, 200]
