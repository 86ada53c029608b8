import pytest
from psycopg.types.json import Jsonb

from accounts.keys import api_key_issue
from tests.db import owner_connection

from .receiver import receiver_start


@pytest.fixture
def receiver():
    receiver, server = receiver_start()
    yield receiver
    server.shutdown()
    server.server_close()


@pytest.fixture
def local_hooks(settings):
    """Development settings: http and loopback receivers allowed, short timeouts."""
    settings.AIGO_WEBHOOKS_ALLOW_HTTP = True
    settings.AIGO_WEBHOOKS_ALLOW_PRIVATE = True
    settings.AIGO_WEBHOOKS_TIMEOUT = 0.5


@pytest.fixture
def headers():
    key = api_key_issue(name="client", scopes=["write:webhooks"], user_identifier="team-a")[1]
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def events():
    """Two committed price changes, gpt-4o's then claude's (ids), written before the test writes
    anything: the feed shows only events of transactions older than every running one, the
    test's own included. Removed after."""
    conn = owner_connection()
    ids = []
    for model in ("gpt-4o", "claude"):
        conn.execute(
            "SELECT catalog_change_emit('price.changed', 'model', %s, %s, 'openai', %s)",
            [model, model, Jsonb({"before": {"input_per_million": 2.5}})],
        )
        ids.append(conn.execute("SELECT max(id) FROM catalog_changes").fetchone()[0])
        conn.commit()
    yield ids
    conn.execute("DELETE FROM catalog_changes")
    conn.commit()
    conn.close()
