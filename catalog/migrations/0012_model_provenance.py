"""Each model's `sources` block (catalog.provenance), stored so the model detail is one statement.

The block is computed in Python with the import's resolution policy; catalog.documents stores it
here on the first read that finds none (or one from another day or release) and joins it after.
Every write to what it is computed from — source values, review decisions, the model and canonical
model rows, price rows — marks the stored blocks of the models it speaks to stale, in the same
transaction (statement triggers over the transition tables: an import's thousands of rows cost one
statement each). A model's canonical facts are read from every offer of its canonical model, so a
write to one offer marks its siblings stale too.

Marking stale bumps `version` and clears `document`; a reader stores a block only with a
conditional UPDATE on the version it read (catalog.documents), so a block computed from inputs an
overlapping write has since changed is never stored.
"""

from django.db import migrations

TABLE = """
CREATE TABLE model_provenance (
    model_id uuid PRIMARY KEY REFERENCES models (id) ON DELETE CASCADE,
    version bigint NOT NULL DEFAULT 0,
    computed_on date,
    release text,
    document json,
    CHECK ((document IS NULL) = (computed_on IS NULL) AND (document IS NULL) = (release IS NULL))
);
"""

# TG_ARGV: the columns of the changed rows that name a model or a canonical model.
STALE_FUNCTION = """
CREATE FUNCTION model_provenance_stale() RETURNS trigger
LANGUAGE plpgsql SET search_path = public AS $$
DECLARE
    changed uuid[] := '{}';
    rows_name text;
    column_name text;
    found uuid[];
BEGIN
    FOREACH rows_name IN ARRAY CASE TG_OP WHEN 'INSERT' THEN ARRAY['new_rows'] WHEN 'DELETE' THEN ARRAY['old_rows']
                                          ELSE ARRAY['new_rows', 'old_rows'] END LOOP
        FOREACH column_name IN ARRAY TG_ARGV LOOP
            EXECUTE format('SELECT array_agg(DISTINCT %I) FROM %I WHERE %I IS NOT NULL', column_name, rows_name, column_name)
                INTO found;
            changed := changed || coalesce(found, '{}');
        END LOOP;
    END LOOP;
    IF cardinality(changed) = 0 THEN
        RETURN NULL;
    END IF;
    INSERT INTO model_provenance (model_id)
    SELECT m.id FROM models m
    WHERE m.id = ANY (changed)
       OR m.canonical_model_id = ANY (changed)
       OR m.canonical_model_id IN (SELECT o.canonical_model_id FROM models o WHERE o.id = ANY (changed))
    ORDER BY m.id
    ON CONFLICT (model_id) DO UPDATE
        SET version = model_provenance.version + 1, computed_on = NULL, release = NULL, document = NULL;
    RETURN NULL;
END;
$$;
"""

# (table, columns naming a model or a canonical model); a model row of another canonical model
# (moved between them) speaks to both.
WATCHED = [
    ("source_values", ["target_id"]),
    ("source_disagreements", ["target_id"]),
    ("models", ["id", "canonical_model_id"]),
    ("canonical_models", ["id"]),
    ("pricing", ["model_id"]),
]


def _triggers() -> tuple[str, str]:
    create, drop = [], []
    for table, columns in WATCHED:
        arguments = ", ".join(f"'{column}'" for column in columns)
        for event, transition in [
            ("INSERT", "NEW TABLE AS new_rows"),
            ("UPDATE", "NEW TABLE AS new_rows OLD TABLE AS old_rows"),
            ("DELETE", "OLD TABLE AS old_rows"),
        ]:
            name = f"{table}_provenance_stale_{event.lower()}"
            create.append(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {transition} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION model_provenance_stale({arguments});"
            )
            drop.append(f"DROP TRIGGER {name} ON {table};")
    return "\n".join(create), "\n".join(drop)


CREATE_TRIGGERS, DROP_TRIGGERS = _triggers()

# Localized text for a reader: the first non-empty of the locales in `chain` (aigo.i18n's
# fallback_chain), as JSON; with no chain (`?locale=*`), the whole map.
LOCALIZED = """
CREATE FUNCTION localized_text(value jsonb, chain text[]) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN chain IS NULL THEN value ELSE to_jsonb((
        SELECT text FROM unnest(chain) WITH ORDINALITY AS c (locale, position),
                         LATERAL nullif(value ->> c.locale, '') AS text
        WHERE text IS NOT NULL ORDER BY c.position LIMIT 1
    )) END
$$;
"""

# -- the documents (catalog.documents): ModelDetailSerializer's, PricingSerializer's and compare's

RECENT_SCORES = 20  # catalog.documents.RECENT_SCORES

# The price rows in force on p_as_of (only tier p_tier when given), per tier the region's own when
# it has some there, else the global ones.
_PRICES_SHOWN = """
in_force AS (
    SELECT r.* FROM pricing r JOIN chosen ON r.model_id = chosen.id
    -- uses index: idx_pricing_model
    WHERE r.effective_from <= p_as_of AND (r.effective_to IS NULL OR r.effective_to >= p_as_of)
      AND (p_tier::text IS NULL OR r.tier = p_tier)
),
shown AS (
    SELECT r.* FROM in_force r
    WHERE r.region IS NOT DISTINCT FROM (
        CASE WHEN EXISTS (SELECT FROM in_force o WHERE o.model_id = r.model_id AND o.tier = r.tier
                                                   AND o.region = p_region::text)
             THEN p_region::text END)
)"""

# PricingSerializer's row; `r` a pricing row.
_PRICE = """json_build_object(
    'id', r.id, 'tier', r.tier, 'region', r.region, 'currency', r.currency,
    'input_per_million', r.input_per_million::text, 'output_per_million', r.output_per_million::text,
    'image_per_unit', r.image_per_unit::text, 'audio_per_minute', r.audio_per_minute::text,
    'video_per_minute', r.video_per_minute::text, 'fine_tuning_per_million', r.fine_tuning_per_million::text,
    'volume_discounts', r.volume_discounts, 'extra_prices', coalesce(r.metadata -> 'prices', '{}'),
    'effective_from', r.effective_from, 'effective_to', r.effective_to)"""

_SHOWN_ORDER = 'r.tier <> \'standard\', r.tier COLLATE "C", r.currency COLLATE "C"'

# ModelDetailSerializer's document of each chosen model, without its `sources` (`m`: the model);
# its scores and documentation only when p_full (compare's rows have none).
_DETAIL_FIELDS = (
    f"""
    'slug', m.slug, 'name', localized_text(m.name, p_chain),
    'description', localized_text(m.description, p_chain),
    'provider', json_build_object('slug', p.slug, 'name', p.name),
    'foundation_model', m.foundation_model, 'modalities', m.modalities, 'capabilities', m.capabilities,
    'context_window', m.context_window, 'max_output_tokens', m.max_output_tokens,
    'training_cutoff', m.training_cutoff, 'api_version', m.api_version, 'is_active', m.is_active,
    'released_at', m.released_at, 'deprecated_at', m.deprecated_at, 'sunset_at', m.sunset_at,
    'endpoints', coalesce((
        SELECT json_agg(json_build_object('region', e.region, 'endpoint_url', e.endpoint_url,
                                          'priority', e.priority, 'is_active', e.is_active)
                        ORDER BY e.priority, e.region)
        FROM model_endpoints e WHERE e.model_id = m.id), '[]'),
    'pricing', coalesce((SELECT json_agg({_PRICE} ORDER BY {_SHOWN_ORDER}) FROM shown r WHERE r.model_id = m.id), '[]'),
    'benchmark_scores', coalesce((
        SELECT json_agg(json_build_object(
            'suite', s.slug, 'suite_name', s.name, 'category', s.category, 'score_raw', b.score_raw::text,
            'score_normalized', b.score_normalized::text, 'percentile', b.percentile,
            'evaluation_date', b.evaluation_date, 'is_official', b.is_official)
            ORDER BY b.evaluation_date DESC, s.slug)
        FROM (SELECT b.* FROM benchmark_scores b JOIN benchmark_suites s ON s.id = b.suite_id
              WHERE b.model_id = m.id AND p_full
              ORDER BY b.evaluation_date DESC, s.slug LIMIT {RECENT_SCORES}) b
        JOIN benchmark_suites s ON s.id = b.suite_id), '[]'),
    'documentation', coalesce((
        SELECT json_agg(json_build_object('doc_type', d.doc_type, 'title', localized_text(d.title, p_chain),
                                          'url', d.url, 'locale', d.locale, 'version', d.version)
                        ORDER BY p_locale <> '*' AND d.locale IS NULL, d.doc_type, d.locale, d.url)
        FROM (SELECT d.*, min(d.rank) OVER () AS best FROM (
                SELECT d.*, CASE WHEN d.locale = p_locale THEN 1
                                 WHEN split_part(d.locale, '-', 1) = split_part(p_locale, '-', 1) THEN 2
                                 WHEN d.locale = 'en-US' THEN 3 END AS rank
                FROM documentation d WHERE d.model_id = m.id AND p_full) d) d
        WHERE d.locale IS NULL OR p_locale = '*' OR d.rank = d.best), '[]'),
    'canonical_model', c.slug"""
)

# The `sources` block of the chosen model: the stored (or given) block with the prices shown.
_SOURCES = (
    f"""json_build_object(
    'facts', src.document -> 'facts', 'offer', src.document -> 'offer',
    'prices', coalesce((SELECT json_object_agg(r.id, src.document -> 'prices' -> r.id::text ORDER BY {_SHOWN_ORDER})
                        FROM shown r WHERE r.model_id = m.id), '{{}}'))"""
)

DETAIL = (
    f"""
WITH chosen AS (SELECT id FROM models WHERE slug = p_slug),
{_PRICES_SHOWN},
src AS (
    SELECT coalesce(p_sources::json, (
        SELECT mp.document FROM model_provenance mp
        WHERE mp.model_id = chosen.id AND mp.computed_on = p_today AND mp.release = p_release)) AS document,
        (SELECT mp.version FROM model_provenance mp WHERE mp.model_id = chosen.id) AS version
    FROM chosen
)
SELECT m.id, src.version, CASE WHEN src.document IS NOT NULL THEN
    json_build_object({_DETAIL_FIELDS}, 'sources', {_SOURCES})::text END
FROM models m JOIN chosen ON chosen.id = m.id JOIN providers p ON p.id = m.provider_id
LEFT JOIN canonical_models c ON c.id = m.canonical_model_id CROSS JOIN src
"""
)

# Compare's rows: today's prices, no scores, no documentation, no sources. With the latest score
# per suite of each model, and the suites all of them have.
COMPARE = (
    f"""
WITH chosen AS (SELECT id, slug FROM models WHERE slug = ANY (p_slugs)),
{_PRICES_SHOWN},
latest AS (
    SELECT DISTINCT ON (b.model_id, s.slug) chosen.slug AS model, s.slug AS suite, json_build_object(
        'score_raw', b.score_raw::text, 'score_normalized', b.score_normalized::text,
        'evaluation_date', b.evaluation_date, 'is_official', b.is_official) AS score
    FROM benchmark_scores b JOIN chosen ON chosen.id = b.model_id JOIN benchmark_suites s ON s.id = b.suite_id
    ORDER BY b.model_id, s.slug, b.evaluation_date DESC
),
shared AS (
    SELECT suite, json_object_agg(model, score ORDER BY array_position(p_slugs::text[], model::text)) AS scores
    FROM latest GROUP BY suite HAVING count(*) = (SELECT count(*) FROM chosen)
)
SELECT array(SELECT slug::text FROM chosen), json_build_object(
    'models', (SELECT json_agg(json_build_object({_DETAIL_FIELDS})
                               ORDER BY array_position(p_slugs::text[], m.slug::text))
               FROM models m JOIN chosen ON chosen.id = m.id JOIN providers p ON p.id = m.provider_id
               LEFT JOIN canonical_models c ON c.id = m.canonical_model_id),
    'shared_benchmarks', coalesce((SELECT json_agg(json_build_object('suite', suite, 'scores', scores)
                                                   ORDER BY suite COLLATE "C") FROM shared), '[]'))::text
"""
)

PRICE_HISTORY = (
    f"""
SELECT m.id, coalesce((
    SELECT json_agg({_PRICE} ORDER BY r.tier, r.region, r.currency, r.effective_from)
    -- uses index: idx_pricing_model
    FROM pricing r WHERE r.model_id = m.id), '[]')::text
FROM models m WHERE m.slug = p_slug
"""
)


def _function(name: str, arguments: str, returns: str, variables: str, query: str) -> str:
    return (
        f"CREATE FUNCTION {name}({arguments}) RETURNS TABLE ({returns}) LANGUAGE plpgsql STABLE AS $$\n"
        f"DECLARE {variables}\nBEGIN\nRETURN QUERY {query};\nEND;\n$$;"
    )


# plpgsql keeps each statement's plan for the connection: planning the statement costs more than
# running it. Its variables are parameters of the plan (p_full, p_region and p_tier fixed here).
FUNCTIONS = [
    (
        _function(
            "model_detail_document",
            "p_slug text, p_locale text, p_chain text[], p_as_of date, p_region text, p_tier text, p_today date, "
            "p_release text, p_sources json",
            "found_id uuid, found_version bigint, found_document text",
            "p_full boolean := true;",
            DETAIL,
        ),
        "DROP FUNCTION model_detail_document(text, text, text[], date, text, text, date, text, json)",
    ),
    (
        _function(
            "models_compare_document",
            "p_slugs text[], p_locale text, p_chain text[], p_as_of date",
            "found text[], found_document text",
            "p_full boolean := false; p_region text; p_tier text;",
            COMPARE,
        ),
        "DROP FUNCTION models_compare_document(text[], text, text[], date)",
    ),
    (
        _function(
            "model_price_history_document", "p_slug text", "found_id uuid, found_document text", "", PRICE_HISTORY
        ),
        "DROP FUNCTION model_price_history_document(text)",
    ),
]


class Migration(migrations.Migration):
    dependencies = [("catalog", "0011_listings_refreshed")]

    operations = [
        migrations.RunSQL(TABLE, reverse_sql="DROP TABLE model_provenance"),
        migrations.RunSQL(STALE_FUNCTION, reverse_sql="DROP FUNCTION model_provenance_stale()"),
        migrations.RunSQL(CREATE_TRIGGERS, reverse_sql=DROP_TRIGGERS),
        migrations.RunSQL(LOCALIZED, reverse_sql="DROP FUNCTION localized_text(jsonb, text[])"),
        *[migrations.RunSQL(create, reverse_sql=drop) for create, drop in FUNCTIONS],
    ]
