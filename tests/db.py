"""Helpers shared by the tests that talk to PostgreSQL and Redis directly."""

from contextlib import contextmanager

from django.conf import settings
from django.db import connection
from psycopg import sql as psql

from aigo.db.owner import owner_connect

CLOSED_REDIS = "redis://127.0.0.1:1/0"  # nothing listens there: Redis is "down"


def sql(statement: str, params=None):
    """Run SQL on the test connection (the app role): rows for a query, else the row count."""
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else cursor.rowcount


def stop_redis(settings) -> None:
    """Point the cache, rate limiter, live state and stream at a closed port."""
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": CLOSED_REDIS}}
    settings.REDIS_URL = CLOSED_REDIS


def owner_connection():
    """A connection of its own to the test database, as the tables' owner, that commits: for what a
    test's own transaction cannot show (rows written before it began, other transactions)."""
    return owner_connect(connection.settings_dict["NAME"])


@contextmanager
def no_change_events():
    """Rows written here leave no event, as if made before events existed: a test's one transaction
    would otherwise make every later change to them part of their creation (catalog_change_in_creation).
    Only a superuser may switch triggers off: the test's module uses the owner_session fixture."""
    sql("RESET ROLE")  # the test connection's own user may switch triggers off; the app role may not
    sql("SET LOCAL session_replication_role = replica")
    try:
        yield
    finally:
        sql("SET LOCAL session_replication_role = origin")
        with connection.cursor() as cursor:
            cursor.execute(psql.SQL("SET ROLE {}").format(psql.Identifier(settings.AIGO_DB_APP_ROLE)))
