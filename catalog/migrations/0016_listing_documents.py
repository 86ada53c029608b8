"""model_listings carries each row's JSON document for the API's model list, built once per
refresh instead of once per read: building the rows' JSON was three quarters of a cold list
page's query. The name is the one part that depends on the reader's locale, so a row stores its
document in two parts, before and after the name (`document_head`, `document_tail`), and a read
joins them around the localized name (catalog/api/json_rows.py). The columns are not fields of
ModelListing: only that read selects them.

The rest of the view and its indexes are migration 0004's, read from it.
"""

from importlib import import_module

from django.db import migrations

# Where the name goes in the stored document: a JSON string no slug (which comes first) can hold.
NAME_MARKER = '"@aigo:name@"'

# 0004's statement: the view's SELECT up to its first ";", then the indexes.
ORIGINAL = import_module("catalog.migrations.0004_model_listings").MODEL_LISTINGS
ORIGINAL_SELECT, ORIGINAL_INDEXES = ORIGINAL.split("CREATE MATERIALIZED VIEW model_listings AS", 1)[1].split(";", 1)

MODEL_LISTINGS = f"""
DROP MATERIALIZED VIEW model_listings;
CREATE MATERIALIZED VIEW model_listings AS
SELECT l.*,
       left(d.document, strpos(d.document, '{NAME_MARKER}') - 1) AS document_head,
       substr(d.document, strpos(d.document, '{NAME_MARKER}') + length('{NAME_MARKER}')) AS document_tail
FROM ({ORIGINAL_SELECT}) l
-- ModelListSerializer's row, keys in its order, the name left to the read.
CROSS JOIN LATERAL (SELECT json_build_object(
    'slug', l.slug,
    'name', '{NAME_MARKER[1:-1]}',
    'provider', json_build_object('slug', l.provider_slug, 'name', l.provider_name, 'logo_url', l.provider_logo),
    'foundation_model', l.foundation_model,
    'modalities', l.modalities,
    'capabilities', l.capabilities,
    'context_window', l.context_window,
    'max_output_tokens', l.max_output_tokens,
    'is_active', l.is_active,
    'released_at', l.released_at,
    'deprecated_at', l.deprecated_at,
    'sunset_at', l.sunset_at,
    'price', CASE WHEN l.price_currency IS NULL THEN NULL ELSE json_build_object(
        'input_per_million', l.input_per_million::text,
        'output_per_million', l.output_per_million::text,
        'currency', l.price_currency) END,
    'recent_benchmarks', l.recent_benchmarks
)::text AS document) d;
{ORIGINAL_INDEXES}"""

PREVIOUS = "DROP MATERIALIZED VIEW model_listings;" + ORIGINAL


class Migration(migrations.Migration):
    dependencies = [("catalog", "0015_analyze_catalog")]

    operations = [migrations.RunSQL(MODEL_LISTINGS, reverse_sql=PREVIOUS)]
