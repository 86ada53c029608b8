"""Helpers shared by the tests that talk to PostgreSQL and Redis directly."""

from django.db import connection

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
