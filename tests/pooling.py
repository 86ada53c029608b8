"""`make test-pgbouncer`: the tests marked pgbouncer, through PgBouncer in transaction pooling mode.

With AIGO_TEST_PGBOUNCER_URL set (postgres://aigo_app@127.0.0.1:64320, scripts/pgbouncer.sh), the test
database is created and migrated directly over DATABASE_URL, as its owner: migrations need session state
(aigo/db/role.py switches roles with RESET ROLE / SET ROLE). The tests then reach it through PgBouncer, logged
in as the app role itself, so no connection they use carries any session setting: aigo/db/role.py finds the
role already current and runs no SET ROLE.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import psycopg
from django.db import connections

URL_VARIABLE = "AIGO_TEST_PGBOUNCER_URL"
# Not the plain run's test_aigo, so both runs can share the cluster at once.
TEST_DATABASE = "test_aigo_pgbouncer"


def pooler_url() -> str:
    return os.environ.get(URL_VARIABLE, "")


def pooler_use_own_test_database() -> None:
    if pooler_url():
        connections["default"].settings_dict["TEST"]["NAME"] = TEST_DATABASE


def _point(**where) -> None:
    connections.close_all()
    # The connection's settings dict is settings.DATABASES["default"]: threads opening their own
    # connection later read it too.
    connections["default"].settings_dict.update(where)


def _pooled_server_connections_close(direct: dict, database: str) -> None:
    """End PgBouncer's server connections to the test database, which would block dropping it."""
    with psycopg.connect(
        host=direct["HOST"], port=direct["PORT"], user=direct["USER"], password=direct["PASSWORD"], dbname="postgres"
    ) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [database],
        )


@contextmanager
def pooler_connections(django_db_blocker) -> Iterator[None]:
    """Between the test database's creation and its removal, the tests' connections go through PgBouncer."""
    url = pooler_url()
    if not url:
        yield
        return
    settings_dict = connections["default"].settings_dict
    if not settings_dict["DISABLE_SERVER_SIDE_CURSORS"]:
        # Server-side cursors outside a transaction are WITH HOLD: session state the pooler would lose.
        raise RuntimeError(f"{URL_VARIABLE} needs DB_DISABLE_SERVER_SIDE_CURSORS=true")
    direct = {key: settings_dict[key] for key in ("HOST", "PORT", "USER", "PASSWORD")}
    pooled = urlsplit(url)
    _point(HOST=pooled.hostname, PORT=pooled.port, USER=pooled.username, PASSWORD=pooled.password or "")
    try:
        yield
    finally:
        _point(**direct)
        with django_db_blocker.unblock():
            _pooled_server_connections_close(direct, settings_dict["NAME"])
