"""A drain killed (SIGKILL, in a process of its own) after its COPY but before the commit, or after
the commit but before XACK: a drain started afterwards stores every accepted event exactly once.

The test's own connection sees only committed rows here: the drains commit in other processes."""

import os
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest
from django.conf import settings
from django.db import connection

from aigo.redis import redis_client
from analytics.buffer import GROUP, _stream_key, events_buffer
from tests.db import owner_connection

ROOT = Path(__file__).resolve().parents[2]
REQUESTS, PER_REQUEST = 30, 20

# Runs one drain; `point` replaces a step with the process killing itself right there.
DRAIN = textwrap.dedent("""
    import os, signal, sys
    import django
    django.setup()
    from django.db import transaction
    from analytics import buffer

    def die(**kwargs):
        os.kill(os.getpid(), signal.SIGKILL)

    point, lock_seconds = sys.argv[1], int(sys.argv[2])
    buffer.LOCK_SECONDS = lock_seconds
    store = buffer.events_store
    if point == "after-commit":
        def store_then_die(**kwargs):
            store(**kwargs)
            die()
        buffer.events_store = store_then_die
    elif point == "before-commit":
        def store_then_die(**kwargs):
            with transaction.atomic():
                store(**kwargs)
                die()
        buffer.events_store = store_then_die
    print(buffer.events_drain(claim_idle_seconds=lock_seconds))
""")


def _drain(point: str, lock_seconds: int) -> subprocess.CompletedProcess:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "aigo.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "AIGO_REDIS_PREFIX": settings.AIGO_REDIS_PREFIX,
    }
    return subprocess.run(
        [sys.executable, "-c", DRAIN, point, str(lock_seconds)], cwd=ROOT, env=env, capture_output=True, text=True
    )


def _stored(tag: str) -> tuple[int, int]:
    """(rows, distinct ids) of this test's events."""
    with owner_connection() as conn:
        return conn.execute(
            "SELECT count(*), count(DISTINCT id) FROM analytics_events WHERE starts_with(session_id, %s)", [tag]
        ).fetchone()


def _accept(tag: str) -> None:
    """What the endpoint appends for REQUESTS requests of PER_REQUEST page views."""
    accepted_at = datetime.now(UTC).isoformat()
    for number in range(REQUESTS):
        rows = [
            {
                "id": str(uuid.uuid4()),
                "session_id": f"{tag}-{number}",
                "event_type": "page_view",
                "event_properties": {"path": f"/{index}"},
            }
            for index in range(PER_REQUEST)
        ]
        events_buffer(batch=orjson.dumps({"timestamp": accepted_at, "rows": rows}).decode())


@pytest.mark.parametrize("point, stored_by_the_killed_drain", [("before-commit", 0), ("after-commit", REQUESTS)])
def test_a_drain_killed_mid_batch_loses_and_duplicates_nothing(django_db_setup, point, stored_by_the_killed_drain):
    tag = f"killed-{uuid.uuid4().hex[:8]}"
    _accept(tag)
    try:
        killed = _drain(point, lock_seconds=1)
        assert killed.returncode == -signal.SIGKILL, killed.stderr
        assert _stored(tag) == (stored_by_the_killed_drain * PER_REQUEST,) * 2
        assert redis_client().xpending(_stream_key(), GROUP)["pending"] == REQUESTS  # nothing acknowledged

        time.sleep(1.2)  # the dead drain's lock expires: the next drain reads its entries again
        restarted = _drain("none", lock_seconds=1)
        assert restarted.returncode == 0, restarted.stderr
        assert restarted.stdout.split()[-1] == str((REQUESTS - stored_by_the_killed_drain) * PER_REQUEST)
        assert _stored(tag) == (REQUESTS * PER_REQUEST,) * 2
        assert redis_client().xlen(_stream_key()) == 0
    finally:
        with owner_connection() as conn:
            conn.execute("DELETE FROM analytics_events WHERE starts_with(session_id, %s)", [tag])
