"""With TimescaleDB, the continuous aggregates' refresh policies reach back as far as ingestion
accepts probes (the 90-day retention), not 15 minutes (status_5min) or 3 hours (status_hourly).

A policy refreshes only the invalidated ranges inside its window, and real-time aggregation reads
raw rows only after the watermark (the newest bucket stored): a prober's backlog arriving later
than the window stayed out of both rollups for good, where the native rollup folds late rows in
on its next run. The wide window costs what was invalidated, as the native queue does: a range
that received no rows is skipped. Nothing changes on the native engine.
"""

from django.db import migrations

POLICIES = [
    # (view, start offset, end offset, schedule) as 0001 made them; only the start offset changes.
    ("status_5min", "15 minutes", "1 minute", "5 minutes"),
    ("status_hourly", "3 hours", "1 hour", "30 minutes"),
]
RETENTION = "90 days"


def _timescale(cursor) -> bool:
    cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'")
    return cursor.fetchone() is not None


def _policies(schema_editor, *, widened: bool) -> None:
    with schema_editor.connection.cursor() as cursor:
        if not _timescale(cursor):
            return
        for view, narrow_start, end_offset, schedule in POLICIES:
            cursor.execute("SELECT remove_continuous_aggregate_policy(%s)", [view])
            cursor.execute(
                "SELECT add_continuous_aggregate_policy(%s, start_offset => %s::interval,"
                " end_offset => %s::interval, schedule_interval => %s::interval)",
                [view, RETENTION if widened else narrow_start, end_offset, schedule],
            )


def widen(apps, schema_editor):
    _policies(schema_editor, widened=True)


def narrow(apps, schema_editor):
    _policies(schema_editor, widened=False)


class Migration(migrations.Migration):
    dependencies = [("status", "0005_change_events")]

    operations = [migrations.RunPython(widen, narrow)]
