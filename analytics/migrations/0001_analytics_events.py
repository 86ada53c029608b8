"""analytics_events: a hypertable when the server offers TimescaleDB, else daily range
partitions (analytics/engines.py holds the SQL of both)."""

import logging

from django.db import migrations

from aigo.db.migration_helpers import has_timescaledb

from analytics import engines

log = logging.getLogger("aigo.migrations")


def create(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        timescale = has_timescaledb(cursor)
        log.warning("analytics_events: %s engine", "TimescaleDB" if timescale else "native partitions")
        for statement in engines.TIMESCALE if timescale else engines.NATIVE:
            cursor.execute(statement)
        if not timescale:
            cursor.execute("SELECT aigo_ensure_partitions('analytics_events', 'day', 7, 0)")


def drop(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for statement in engines.REVERSE:
            cursor.execute(statement)


class Migration(migrations.Migration):
    initial = True
    dependencies = [("aigo", "0004_partition_manager")]

    operations = [migrations.RunPython(create, drop)]
