"""Database connections run as the application role (settings.AIGO_DB_APP_ROLE).

The app logs in as that role (DATABASE_URL), locally as in production, so nothing it runs can
regain the owner's or a superuser's rights. Should DATABASE_URL name the owner instead (`check
--deploy` warns), each new connection switches to the app role with SET ROLE, so row-level security
and grants still apply, but RESET ROLE undoes that. Migrations log in as the owner
(aigo/db/owner.py) and, on a connection that switched, switch back for their duration
(pre_migrate / post_migrate).
"""

from django.conf import settings
from django.db import connections
from django.db.backends.base.base import NO_DB_ALIAS
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate, pre_migrate
from django.dispatch import receiver
from psycopg import sql

_migrating = False


def _set_role(connection) -> None:
    role = settings.AIGO_DB_APP_ROLE
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolname = current_user FROM pg_roles WHERE rolname = %s", [role])
        row = cursor.fetchone()
        if row is not None and not row[0]:  # before the first migration the role may not exist
            cursor.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(role)))


@receiver(connection_created)
def _use_app_role(sender, connection, **kwargs) -> None:
    if settings.AIGO_DB_APP_ROLE and not _migrating and connection.alias != NO_DB_ALIAS:
        _set_role(connection)


@receiver(pre_migrate)
def _owner_for_migrations(sender, using: str, **kwargs) -> None:
    global _migrating
    _migrating = True
    connection = connections[using]
    if connection.connection is not None:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")


@receiver(post_migrate)
def _app_role_after_migrations(sender, using: str, **kwargs) -> None:
    global _migrating
    _migrating = False
    connection = connections[using]
    if settings.AIGO_DB_APP_ROLE and connection.connection is not None:
        _set_role(connection)
