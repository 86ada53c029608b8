"""The tables' owner (settings.DATABASE_OWNER): migrations, the test database, backup and restore,
replication set-up and online rebuilds run as it. The app never does: it logs in as the app role
(DATABASE_URL, aigo/db/role.py), which cannot become the owner or a superuser."""

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from psycopg.conninfo import make_conninfo

LOGIN = ("HOST", "PORT", "USER", "PASSWORD")


def owner_conninfo(dbname: str | None = None) -> str:
    """libpq connection string of the owner, to the app's database (or dbname on the same server)."""
    owner = settings.DATABASE_OWNER
    return make_conninfo(
        host=owner["HOST"] or None,
        port=owner["PORT"] or None,
        user=owner["USER"] or None,
        password=owner["PASSWORD"] or None,
        dbname=dbname or connections[DEFAULT_DB_ALIAS].settings_dict["NAME"],
    )


def owner_connect(dbname: str | None = None, **kwargs) -> psycopg.Connection:
    return psycopg.connect(owner_conninfo(dbname), **kwargs)


@contextmanager
def owner_login(alias: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Django's connection to alias logs in as the owner until the block ends (outside any transaction)."""
    connection = connections[alias]
    saved = {key: connection.settings_dict[key] for key in LOGIN}
    connection.close()
    connection.settings_dict.update(settings.DATABASE_OWNER)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)
