"""Extensions and shared SQL functions every app relies on."""

import logging

from django.db import migrations

log = logging.getLogger("aigo.migrations")

ALWAYS = ["pg_trgm", "pgcrypto", "uuid-ossp", "btree_gist"]


def create_extensions(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for name in ALWAYS:
            cursor.execute(f'CREATE EXTENSION IF NOT EXISTS "{name}"')
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'")
        if cursor.fetchone():
            cursor.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        else:
            log.warning("postgis is not available on this server: skipped (geo queries use Redis only)")
        cursor.execute("SELECT current_setting('shared_preload_libraries')")
        if "pg_stat_statements" in cursor.fetchone()[0]:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        else:
            log.warning("pg_stat_statements is not preloaded on this server: skipped")


def drop_extensions(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for name in ["pg_stat_statements", "postgis", *reversed(ALWAYS)]:
            cursor.execute(f'DROP EXTENSION IF EXISTS "{name}"')


SET_UPDATED_AT = """
CREATE OR REPLACE FUNCTION set_updated_at() RETURNS trigger AS $$
BEGIN
    -- Only a real change moves updated_at, and the application cannot set it by hand.
    IF to_jsonb(NEW) - 'updated_at' IS DISTINCT FROM to_jsonb(OLD) - 'updated_at' THEN
        NEW.updated_at := now();
    ELSE
        NEW.updated_at := OLD.updated_at;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""

# Django 5.2 cannot say ON DELETE in the database; the seed's foreign keys cascade there too,
# so raw SQL deletes behave like ORM ones. Migrations call this by table and column.
FK_ON_DELETE = """
CREATE OR REPLACE FUNCTION aigo_fk_on_delete(tbl regclass, col name, action text) RETURNS void AS $$
DECLARE
    fk record;
BEGIN
    IF upper(action) NOT IN ('CASCADE', 'NO ACTION', 'RESTRICT', 'SET NULL') THEN
        RAISE EXCEPTION 'unsupported ON DELETE action %', action;
    END IF;
    SELECT con.conname, con.confrelid::regclass AS ref, ra.attname AS refcol INTO fk
    FROM pg_constraint con
    JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1]
    JOIN pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = con.confkey[1]
    WHERE con.conrelid = tbl AND con.contype = 'f' AND cardinality(con.conkey) = 1 AND a.attname = col;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no single-column foreign key on %.%', tbl, col;
    END IF;
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', tbl, fk.conname);
    EXECUTE format(
        'ALTER TABLE %s ADD CONSTRAINT %I FOREIGN KEY (%I) REFERENCES %s (%I) ON DELETE %s DEFERRABLE INITIALLY DEFERRED',
        tbl, fk.conname, col, fk.ref, fk.refcol, upper(action)
    );
END;
$$ LANGUAGE plpgsql;
"""


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.RunPython(create_extensions, drop_extensions),
        migrations.RunSQL(SET_UPDATED_AT, reverse_sql="DROP FUNCTION IF EXISTS set_updated_at()"),
        migrations.RunSQL(FK_ON_DELETE, reverse_sql="DROP FUNCTION IF EXISTS aigo_fk_on_delete(regclass, name, text)"),
    ]
