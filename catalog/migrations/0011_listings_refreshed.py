"""When model_listings was last refreshed, for /readyz and for a first read that finds it empty.

The table is UNLOGGED: logical replication does not publish unlogged tables, so each replica keeps
the time of its own refreshes (its materialized view is its own). After a crash PostgreSQL empties
it, which only reads as "not refreshed since": the next refresh writes it again.

The refresh also works on a view that was never populated (created WITH NO DATA, or restored
without its data), which CONCURRENTLY refuses.
"""

from django.db import migrations

REFRESHED = """
CREATE UNLOGGED TABLE model_listings_refreshed (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    refreshed_at timestamptz NOT NULL
);
"""

REFRESH_FUNCTION = """
CREATE OR REPLACE FUNCTION refresh_model_listings() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
    IF (SELECT ispopulated FROM pg_matviews WHERE schemaname = 'public' AND matviewname = 'model_listings') THEN
        REFRESH MATERIALIZED VIEW CONCURRENTLY model_listings;
    ELSE
        REFRESH MATERIALIZED VIEW model_listings;
    END IF;
    INSERT INTO model_listings_refreshed (refreshed_at) VALUES (clock_timestamp())
    ON CONFLICT (singleton) DO UPDATE SET refreshed_at = EXCLUDED.refreshed_at;
END;
$$;
"""

PREVIOUS_REFRESH_FUNCTION = """
CREATE OR REPLACE FUNCTION refresh_model_listings() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
    REFRESH MATERIALIZED VIEW CONCURRENTLY model_listings;
END;
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("catalog", "0010_deprecation_event_before")]

    operations = [
        migrations.RunSQL(REFRESHED, reverse_sql="DROP TABLE model_listings_refreshed"),
        migrations.RunSQL(REFRESH_FUNCTION, reverse_sql=PREVIOUS_REFRESH_FUNCTION),
    ]
