"""daily_stats as the seed, with what its SQL gets wrong fixed (DESIGN.md): the per-model
counts are made in a subquery before jsonb_object_agg (an aggregate cannot nest another), and
the index on (day, event_type) is UNIQUE so REFRESH ... CONCURRENTLY works (readers never
wait). Days are UTC days whatever the session's time zone. The app role does not own the view:
it refreshes it through refresh_daily_stats(), which skips (returns false) while another
refresh holds the lock, so two beat runs at once do the work once."""

from django.db import migrations

DAILY_STATS = """
CREATE MATERIALIZED VIEW daily_stats AS
SELECT totals.day, totals.event_type, totals.event_count, totals.unique_sessions, views.model_views
FROM (
    SELECT date_trunc('day', timestamp, 'UTC') AS day, event_type,
           COUNT(*) AS event_count, COUNT(DISTINCT session_id) AS unique_sessions
    FROM analytics_events
    GROUP BY 1, 2
) totals
LEFT JOIN (
    SELECT day, jsonb_object_agg(model_id, views) AS model_views
    FROM (
        SELECT date_trunc('day', timestamp, 'UTC') AS day,
               COALESCE(event_properties ->> 'model_id', 'unknown') AS model_id, COUNT(*) AS views
        FROM analytics_events
        WHERE event_type = 'model_view'
        GROUP BY 1, 2
    ) per_model
    GROUP BY day
) views ON views.day = totals.day AND totals.event_type = 'model_view';

CREATE UNIQUE INDEX idx_daily_stats ON daily_stats (day, event_type);

CREATE OR REPLACE FUNCTION refresh_daily_stats() RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('refresh_daily_stats')) THEN
        RETURN false;
    END IF;
    REFRESH MATERIALIZED VIEW CONCURRENTLY daily_stats;
    RETURN true;
END;
$$;
"""

DROP = "DROP FUNCTION IF EXISTS refresh_daily_stats(); DROP MATERIALIZED VIEW IF EXISTS daily_stats;"


class Migration(migrations.Migration):
    dependencies = [("analytics", "0001_analytics_events")]

    operations = [migrations.RunSQL(DAILY_STATS, reverse_sql=DROP)]
