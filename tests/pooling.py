"""The tests' connections: the test database is created, migrated and dropped by its owner
(settings.DATABASE_OWNER); the tests in between log in as the app does (DATABASE_URL, the app role).

`make test-pgbouncer`: with AIGO_TEST_PGBOUNCER_URL set (postgres://aigo_app@127.0.0.1:64320,
scripts/pgbouncer.sh), the tests marked pgbouncer reach it through PgBouncer in transaction pooling mode,
logged in as the app role itself, so no connection they use carries any session setting: aigo/db/role.py
finds the role already current and runs no SET ROLE.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import psycopg
from django.conf import settings
from django.db import connections

from aigo.db.owner import LOGIN

URL_VARIABLE = "AIGO_TEST_PGBOUNCER_URL"
# Not the plain run's test_aigo, so both runs can share the cluster at once.
TEST_DATABASE = "test_aigo_pgbouncer"


def pooler_url() -> str:
    return os.environ.get(URL_VARIABLE, "")


# The app's login (DATABASE_URL) while the owner's stands in its place.
_app_login: dict = {}


def owner_makes_test_database() -> None:
    """Called before the test database is made: its owner makes it (the app role may not create databases)."""
    settings_dict = connections["default"].settings_dict
    if pooler_url():
        settings_dict["TEST"]["NAME"] = TEST_DATABASE
    _app_login.update({key: settings_dict[key] for key in LOGIN})
    if settings.AIGO_DB_APP_ROLE and _app_login["USER"] != settings.AIGO_DB_APP_ROLE:
        # DATABASE_URL names the owner (an older local setup): the tests still log in as the app role.
        _app_login.update(USER=settings.AIGO_DB_APP_ROLE, PASSWORD="")
    _point(**settings.DATABASE_OWNER)


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
def app_connections(django_db_blocker) -> Iterator[None]:
    """Between the test database's creation and its removal, the tests log in as the app does, through
    PgBouncer under `make test-pgbouncer`."""
    settings_dict = connections["default"].settings_dict
    app = dict(_app_login)
    url = pooler_url()
    if url:
        if not settings_dict["DISABLE_SERVER_SIDE_CURSORS"]:
            # Server-side cursors outside a transaction are WITH HOLD: session state the pooler would lose.
            raise RuntimeError(f"{URL_VARIABLE} needs DB_DISABLE_SERVER_SIDE_CURSORS=true")
        pooled = urlsplit(url)
        app = {"HOST": pooled.hostname, "PORT": pooled.port, "USER": pooled.username, "PASSWORD": pooled.password or ""}
    _point(**app)
    try:
        yield
    finally:
        _point(**settings.DATABASE_OWNER)
        if url:
            with django_db_blocker.unblock():
                _pooled_server_connections_close(settings.DATABASE_OWNER, settings_dict["NAME"])
