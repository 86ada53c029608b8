"""A unique index on analytics_events (id, timestamp): the events buffer's drain inserts with
ON CONFLICT DO NOTHING on it, so a batch delivered twice is stored once (analytics/buffer.py).
It must contain the partitioning column, hence timestamp beside the id.

Built without blocking inserts on the native engine: the index is declared on the parent only,
built CONCURRENTLY on each partition and attached (partitions made later get it from the
parent). A hypertable has no such path in a migration: the index is built there in one go.
"""

from django.db import migrations
from psycopg import sql

INDEX = "analytics_events_id_time"


def create(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT relkind = 'p' FROM pg_class WHERE oid = 'analytics_events'::regclass")
        if not cursor.fetchone()[0]:
            cursor.execute(
                sql.SQL("CREATE UNIQUE INDEX IF NOT EXISTS {} ON analytics_events (id, timestamp)").format(
                    sql.Identifier(INDEX)
                )
            )
            return
        cursor.execute(
            sql.SQL("CREATE UNIQUE INDEX IF NOT EXISTS {} ON ONLY analytics_events (id, timestamp)").format(
                sql.Identifier(INDEX)
            )
        )
        cursor.execute("SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = 'analytics_events'::regclass")
        for (partition,) in cursor.fetchall():
            index = sql.Identifier(f"{partition}_id_time")
            cursor.execute(
                sql.SQL("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS {} ON {} (id, timestamp)").format(
                    index, sql.Identifier(partition)
                )
            )
            cursor.execute(sql.SQL("ALTER INDEX {} ATTACH PARTITION {}").format(sql.Identifier(INDEX), index))


def drop(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(sql.SQL("DROP INDEX IF EXISTS {}").format(sql.Identifier(INDEX)))


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("analytics", "0003_event_and_daily_stat_models")]

    operations = [migrations.RunPython(create, drop)]
