"""PgBouncer in transaction pooling mode (`make test-pgbouncer`): what one client leaves on a pooled server
connection for the next. Clients of the pool `aigo_pinned` (scripts/pgbouncer.sh) share one server
connection, which `pg_backend_pid()` confirms in each test."""

from urllib.parse import urlsplit

import psycopg
import pytest
from django.db import connection

from tests.db import sql
from tests.pooling import pooler_url

pytestmark = [
    pytest.mark.pgbouncer,
    pytest.mark.skipif(not pooler_url(), reason="runs through PgBouncer: make test-pgbouncer"),
]

ALICE = "v_alice_aaaaaaaaaaaaaaaa"
SEEN = "SELECT pg_backend_pid(), current_setting('app.current_user', true)"


def _client() -> psycopg.Connection:
    pooler = urlsplit(pooler_url())
    # No prepared statements: PgBouncer 1.18 cannot keep them apart per client.
    return psycopg.connect(
        host=pooler.hostname, port=pooler.port, user=pooler.username, dbname="aigo_pinned", prepare_threshold=None
    )


def test_a_transaction_local_setting_never_reaches_the_next_client():
    with _client() as first, _client() as second:
        first.execute("SELECT set_config('app.current_user', %s, true)", [ALICE])
        first_pid, first_seen = first.execute(SEEN).fetchone()
        first.commit()

        second_pid, second_seen = second.execute(SEEN).fetchone()
        second.commit()

    assert first_seen == ALICE
    assert second_pid == first_pid, "both clients ran on the same server connection"
    assert second_seen in (None, "")


def test_a_session_setting_would_reach_the_next_client():
    """Why the app may use only transaction-local settings (set_config(..., true)) behind PgBouncer."""
    with _client() as first, _client() as second:
        first.execute("SELECT set_config('app.current_user', %s, false)", [ALICE])
        first_pid = first.execute("SELECT pg_backend_pid()").fetchone()[0]
        first.commit()
        try:
            second_pid, second_seen = second.execute(SEEN).fetchone()
        finally:
            second.execute('RESET app."current_user"')  # leave the shared server connection clean
            second.commit()

    assert second_pid == first_pid
    assert second_seen == ALICE, "the other client's identity leaked"


def test_the_time_zone_django_sets_on_connecting_stays_with_its_client():
    """The one session SET Django runs (SET TIME ZONE): PgBouncer tracks TimeZone per client."""
    zone = "SELECT pg_backend_pid(), current_setting('TimeZone')"
    with _client() as first, _client() as second:
        default = second.execute(zone).fetchone()[1]
        second.commit()
        first.execute("SET TIME ZONE 'Asia/Tokyo'")
        first.commit()

        second_pid, second_zone = second.execute(zone).fetchone()
        second.commit()
        first_pid, first_zone = first.execute(zone).fetchone()
        first.commit()

    assert second_pid == first_pid
    assert (first_zone, second_zone) == ("Asia/Tokyo", default)


@pytest.mark.django_db
def test_the_marked_tests_reach_the_database_through_pgbouncer_as_the_app_role(settings):
    pooler = urlsplit(pooler_url())
    assert (connection.settings_dict["PORT"], connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"]) == (
        pooler.port,
        True,
    )
    # The same user for the session as for the statements: logged in as the role, never SET ROLE.
    assert sql("SELECT session_user, current_user") == [(settings.AIGO_DB_APP_ROLE, settings.AIGO_DB_APP_ROLE)]
