"""model_listings carries each row's JSON document for the API's model list, built once per
refresh instead of once per read: building the rows' JSON was three quarters of a cold list
page's query. The name is the one part that depends on the reader's locale, so a row stores its
document in two parts, before and after the name (`document_head`, `document_tail`), and a read
joins them around the localized name (catalog/api/json_rows.py). The columns are not fields of
ModelListing: only that read selects them.

The rest of the view and its indexes are as migration 0004 made them.
"""

from django.db import migrations

# Where the name goes in the stored document: a JSON string no slug (which comes first) can hold.
NAME_MARKER = '"@aigo:name@"'

# The view as migration 0004 made it: its SELECT, then its indexes.
LISTINGS_SELECT = """
SELECT
    m.id,
    m.slug,
    m.name,
    m.provider_id,
    p.name AS provider_name,
    p.logo_url AS provider_logo,
    m.foundation_model,
    m.modalities,
    m.capabilities,
    m.context_window,
    m.is_active,
    COALESCE(
        (SELECT jsonb_agg(jsonb_build_object(
                    'suite', latest.slug,
                    'score', latest.score_normalized::text,
                    'date', latest.evaluation_date,
                    'official', latest.is_official
                ) ORDER BY latest.slug)
         FROM (
            SELECT DISTINCT ON (bs.slug) bs.slug, b.score_normalized, b.evaluation_date, b.is_official
            FROM benchmark_scores b
            JOIN benchmark_suites bs ON b.suite_id = bs.id
            WHERE b.model_id = m.id
            ORDER BY bs.slug, b.evaluation_date DESC
         ) latest),
        '[]'::jsonb
    ) AS recent_benchmarks,
    p.slug AS provider_slug,
    m.description,
    m.max_output_tokens,
    m.released_at,
    m.deprecated_at,
    m.sunset_at,
    price.input_per_million,
    price.output_per_million,
    price.currency AS price_currency,
    m.updated_at,
    m.search_vector,
    lower(concat_ws(' ', m.slug, m.foundation_model, p.name, p.slug,
                    (SELECT string_agg(value, ' ') FROM jsonb_each_text(m.name)))) AS search_text,
    regexp_replace(lower(m.slug), '[^[:alnum:]]+', '', 'g') AS slug_compact,
    regexp_replace(lower(m.name->>'en-US'), '[^[:alnum:]]+', '', 'g') AS name_compact,
    regexp_replace(lower(concat_ws(' ', m.slug, m.foundation_model,
                    (SELECT string_agg(value, ' ') FROM jsonb_each_text(m.name)))),
                   '[^[:alnum:]]+', '', 'g') AS search_compact
FROM models m
JOIN providers p ON m.provider_id = p.id
-- Today's standard global price (USD first), for ordering and showing lists by price.
LEFT JOIN LATERAL (
    SELECT pr.input_per_million, pr.output_per_million, pr.currency
    FROM pricing pr
    WHERE pr.model_id = m.id AND pr.tier = 'standard' AND pr.region IS NULL
      AND pr.effective_from <= CURRENT_DATE AND (pr.effective_to IS NULL OR pr.effective_to >= CURRENT_DATE)
    ORDER BY pr.currency = 'USD' DESC, pr.currency
    LIMIT 1
) price ON true
"""

INDEXES = """

-- REFRESH ... CONCURRENTLY needs this unique index.
CREATE UNIQUE INDEX idx_model_listings_id ON model_listings(id);
CREATE INDEX idx_model_listings_provider ON model_listings(provider_id);
-- models/{slug} lookups and compare
CREATE UNIQUE INDEX idx_model_listings_slug ON model_listings(slug);
-- ?modality= / ?capability= (all-of): modalities @> ..., capabilities @> ...
CREATE INDEX idx_model_listings_modalities ON model_listings USING gin(modalities);
CREATE INDEX idx_model_listings_capabilities ON model_listings USING gin(capabilities);
-- search_models(): full text, substrings (CJK, gpt4o) and typos
CREATE INDEX idx_model_listings_search ON model_listings USING gin(search_vector);
CREATE INDEX idx_model_listings_search_text ON model_listings USING gin(search_text gin_trgm_ops);
CREATE INDEX idx_model_listings_search_compact ON model_listings USING gin(search_compact gin_trgm_ops);
"""

MODEL_LISTINGS = f"""
DROP MATERIALIZED VIEW model_listings;
CREATE MATERIALIZED VIEW model_listings AS
SELECT l.*,
       left(d.document, strpos(d.document, '{NAME_MARKER}') - 1) AS document_head,
       substr(d.document, strpos(d.document, '{NAME_MARKER}') + length('{NAME_MARKER}')) AS document_tail
FROM ({LISTINGS_SELECT}) l
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
{INDEXES}"""

PREVIOUS = f"""
DROP MATERIALIZED VIEW model_listings;
CREATE MATERIALIZED VIEW model_listings AS
{LISTINGS_SELECT};
{INDEXES}"""


class Migration(migrations.Migration):
    dependencies = [("catalog", "0015_analyze_catalog")]

    operations = [migrations.RunSQL(MODEL_LISTINGS, reverse_sql=PREVIOUS)]
