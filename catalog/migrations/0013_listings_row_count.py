"""How many rows model_listings holds, written by each refresh beside its time: the unfiltered
model list reads it instead of counting the view on every request (most of a cold page's time).

Written in the refresh's transaction, so it is the count of what readers see once it commits; a
replica's refreshes write their own (the table is unlogged, see 0011).
"""

from django.db import migrations

REFRESH_FUNCTION = """
CREATE OR REPLACE FUNCTION refresh_model_listings() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
    IF (SELECT ispopulated FROM pg_matviews WHERE schemaname = 'public' AND matviewname = 'model_listings') THEN
        REFRESH MATERIALIZED VIEW CONCURRENTLY model_listings;
    ELSE
        REFRESH MATERIALIZED VIEW model_listings;
    END IF;
    INSERT INTO model_listings_refreshed (refreshed_at, row_count)
    VALUES (clock_timestamp(), (SELECT count(*) FROM model_listings))
    ON CONFLICT (singleton) DO UPDATE SET refreshed_at = EXCLUDED.refreshed_at, row_count = EXCLUDED.row_count;
END;
$$;
"""

PREVIOUS_REFRESH_FUNCTION = """
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


class Migration(migrations.Migration):
    dependencies = [("catalog", "0012_model_provenance")]

    operations = [
        # NULL until the first refresh after this migration: readers count the view meanwhile.
        migrations.RunSQL(
            "ALTER TABLE model_listings_refreshed ADD COLUMN row_count bigint",
            reverse_sql="ALTER TABLE model_listings_refreshed DROP COLUMN row_count",
        ),
        migrations.RunSQL(REFRESH_FUNCTION, reverse_sql=PREVIOUS_REFRESH_FUNCTION),
    ]
