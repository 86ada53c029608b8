"""Only a table's owner may ANALYZE it; the import (as the app role) calls this after writing
thousands of rows, so the listings' refresh that follows is planned on the new contents rather
than on statistics of an empty catalog (a refresh planned that way ran for minutes)."""

from django.db import migrations

ANALYZE_FUNCTION = """
CREATE OR REPLACE FUNCTION analyze_catalog() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
    ANALYZE providers, models, canonical_models, pricing, benchmark_suites, benchmark_scores, source_values;
END;
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("catalog", "0014_detail_sources_parsed_once")]

    operations = [
        migrations.RunSQL(ANALYZE_FUNCTION, reverse_sql="DROP FUNCTION IF EXISTS analyze_catalog()"),
    ]
