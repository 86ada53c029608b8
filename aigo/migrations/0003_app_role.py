"""The role the web app and workers run as: not the owner of any table, not a superuser, and
without BYPASSRLS, so row-level security (user_preferences) and grants (audit tables) hold for
it. Migrations run as the owner; see aigo/db.py for how connections switch roles."""

from django.conf import settings
from django.db import migrations
from psycopg import sql

PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"


def create_role(apps, schema_editor):
    role = sql.Identifier(settings.AIGO_DB_APP_ROLE)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [settings.AIGO_DB_APP_ROLE])
        if cursor.fetchone() is None:  # roles are per cluster: the test database shares it
            cursor.execute(sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE").format(role))
        for statement in [
            "GRANT USAGE ON SCHEMA public TO {role}",
            f"GRANT {PRIVILEGES} ON ALL TABLES IN SCHEMA public TO {{role}}",
            "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
            # Tables later migrations create (as this same owner) get the same grants.
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT {PRIVILEGES} ON TABLES TO {{role}}",
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {role}",
        ]:
            cursor.execute(sql.SQL(statement).format(role=role))


def drop_grants(apps, schema_editor):
    role = sql.Identifier(settings.AIGO_DB_APP_ROLE)
    with schema_editor.connection.cursor() as cursor:
        for statement in [
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE {PRIVILEGES} ON TABLES FROM {{role}}",
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE USAGE, SELECT ON SEQUENCES FROM {role}",
            "REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}",
            "REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {role}",
            "REVOKE USAGE ON SCHEMA public FROM {role}",
        ]:
            cursor.execute(sql.SQL(statement).format(role=role))


class Migration(migrations.Migration):
    dependencies = [("aigo", "0002_periodic_task_runs")]

    operations = [migrations.RunPython(create_role, drop_grants)]
