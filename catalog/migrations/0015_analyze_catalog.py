"""Only a table's owner may ANALYZE it; the import (as the app role) calls this after writing
thousands of rows, so the listings' refresh that follows (and its concurrent diff against the
view's old rows) is planned on statistics of what is there now. Once, in a full test run, a
refresh after a first import into an emptied catalog ran at full CPU for minutes."""

from django.db import migrations

ANALYZE_FUNCTION = """
CREATE OR REPLACE FUNCTION analyze_catalog() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
    ANALYZE providers, models, canonical_models, pricing, benchmark_suites, benchmark_scores, source_values,
        model_listings;
END;
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("catalog", "0014_detail_sources_parsed_once")]

    operations = [
        migrations.RunSQL(ANALYZE_FUNCTION, reverse_sql="DROP FUNCTION IF EXISTS analyze_catalog()"),
    ]
