"""status_probes and its 5-minute and hourly rollups, on TimescaleDB when the server offers it
and on native partitions otherwise (status/engines.py holds the SQL of both)."""

import logging

from django.db import migrations

from aigo.db.migration_helpers import has_timescaledb

from status import engines

log = logging.getLogger("aigo.migrations")


def create(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        timescale = has_timescaledb(cursor)
        log.warning("status_probes: %s engine", "TimescaleDB" if timescale else "native partitions")
        for statement in engines.TIMESCALE if timescale else engines.NATIVE:
            cursor.execute(statement)
        if not timescale:
            cursor.execute("SELECT aigo_ensure_partitions('status_probes', 'day', 7, 90)")


def drop(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for statement in engines.TIMESCALE_REVERSE if has_timescaledb(cursor) else engines.NATIVE_REVERSE:
            cursor.execute(statement)


class Migration(migrations.Migration):
    initial = True
    dependencies = [("aigo", "0004_partition_manager")]

    operations = [migrations.RunPython(create, drop)]
