"""On the native engine, status_5min indexed by bucket: the newest bucket of each (model, region)
in the last half hour (the status overview, the home page's summary, incident detection) read the
whole primary key (model_id, region, bucket) to find them, a cost that grew with every day kept.
TimescaleDB's continuous aggregate has its own index on the bucket already.
"""

from django.db import migrations

from aigo.db.migration_helpers import has_timescaledb


def create(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        if not has_timescaledb(cursor):
            cursor.execute("CREATE INDEX IF NOT EXISTS status_5min_bucket ON status_5min (bucket)")


def drop(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS status_5min_bucket")


class Migration(migrations.Migration):
    dependencies = [("status", "0006_refresh_late_rows")]

    operations = [migrations.RunPython(create, drop)]
