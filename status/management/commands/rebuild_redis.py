"""Refill Redis's live status from PostgreSQL, e.g. after a Redis restart or flush.

Each (model, region)'s newest probe within the live window goes through the same
status.live.live_state_publish() as ingestion, and the rankings are rebuilt from scratch (models
no longer probed drop out); the trending daily sets are refilled from analytics_events.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from psycopg import sql

from analytics.trending import trending_rebuild
from catalog.models import AIModel
from status.live import LIVE_WINDOW, LiveRow, live_state_publish

# The newest probe of each (model, region, location): live_state_publish keeps the newest per
# (model, region) for the hashes and every located probe for the GEO set.
# uses index: idx_probes_model_time (and partition pruning on time)
NEWEST = sql.SQL("""
SELECT DISTINCT ON (p.model_id, p.region, p.probe_location)
    m.slug, p.region, p.time, p.availability, p.latency_p95, p.error_rate, p.requests_per_minute,
    p.probe_location,
    CASE WHEN jsonb_typeof(p.metadata -> 'lat') = 'number' THEN (p.metadata ->> 'lat')::float8 END,
    CASE WHEN jsonb_typeof(p.metadata -> 'lon') = 'number' THEN (p.metadata ->> 'lon')::float8 END
FROM status_probes p JOIN {models} m ON m.id = p.model_id
WHERE p.time >= now() - %(window)s
ORDER BY p.model_id, p.region, p.probe_location, p.time DESC
""")


class Command(BaseCommand):
    help = "Rebuild Redis's live status (from the newest probes) and the trending sets (from analytics_events)."

    def handle(self, *args, **options):
        with connection.cursor() as cursor:
            cursor.execute(NEWEST.format(models=sql.Identifier(AIModel._meta.db_table)), {"window": LIVE_WINDOW})
            rows = [LiveRow(*row) for row in cursor.fetchall()]
        if not live_state_publish(rows, replace_rankings=True):
            raise CommandError("Redis is unreachable: nothing rebuilt.")
        pairs = {(row.model_slug, row.region) for row in rows}
        self.stdout.write(f"Live status rebuilt: {len(pairs)} model/region pairs from {len(rows)} probes.")
        days, views = trending_rebuild()
        self.stdout.write(f"Trending rebuilt: {views} model views over {days} days.")
