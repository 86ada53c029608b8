"""status_probes and its 5-minute and hourly rollups, on TimescaleDB when the server offers it
and on native partitions otherwise (status/engines.py holds the SQL of both)."""

import logging

from django.db import migrations

from status import engines

log = logging.getLogger("aigo.migrations")


def _has_timescale(cursor) -> bool:
    cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'")
    return cursor.fetchone() is not None


def create(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        timescale = _has_timescale(cursor)
        log.warning("status_probes: %s engine", "TimescaleDB" if timescale else "native partitions")
        for statement in engines.TIMESCALE if timescale else engines.NATIVE:
            cursor.execute(statement)
        if not timescale:
            cursor.execute("SELECT aigo_ensure_partitions('status_probes', 'day', 7, 90)")


def drop(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for statement in engines.TIMESCALE_REVERSE if _has_timescale(cursor) else engines.NATIVE_REVERSE:
            cursor.execute(statement)


class Migration(migrations.Migration):
    initial = True
    dependencies = [("aigo", "0004_partition_manager")]

    operations = [migrations.RunPython(create, drop)]
