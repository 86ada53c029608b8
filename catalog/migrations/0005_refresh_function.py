"""Only the owner of a materialized view may refresh it; the app role calls this instead."""

from django.db import migrations

REFRESH_FUNCTION = """
CREATE OR REPLACE FUNCTION refresh_model_listings() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
    REFRESH MATERIALIZED VIEW CONCURRENTLY model_listings;
END;
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("catalog", "0004_model_listings")]

    operations = [
        migrations.RunSQL(REFRESH_FUNCTION, reverse_sql="DROP FUNCTION IF EXISTS refresh_model_listings()"),
    ]
