"""A model's API documents (detail, price history, compare) rendered to JSON by PostgreSQL.

One statement per document (composed once, at import): the database joins the model's rows and
builds the JSON text; Python only wraps it in the response. The `sources` block is computed in
Python (catalog.provenance) and stored in model_provenance (migration 0012 says when it goes
stale); a statement that finds it missing is answered once more with the block computed here, which
is stored for the next reads.

The serializers of catalog.api.serializers stay the definition of each document (and of the OpenAPI
schema): tests/catalog/test_documents.py checks both give the same documents.
"""

import datetime
import json
from collections.abc import Sequence

from django.db import DEFAULT_DB_ALIAS, connections
from psycopg import sql

from aigo.api.locale import ALL
from aigo.i18n import fallback_chain
from aigo.release import release_id

from .api.serializers import sources_block
from .models import AIModel, Pricing
from .provenance import models_provenance, provenance_annotations

RECENT_SCORES = 20

# The price rows in force on :as_of (only tier :tier when given), per tier the region's own when
# it has some there, else the global ones.
_PRICES_SHOWN = sql.SQL("""
in_force AS (
    SELECT r.* FROM pricing r JOIN chosen ON r.model_id = chosen.id
    -- uses index: idx_pricing_model
    WHERE r.effective_from <= %(as_of)s AND (r.effective_to IS NULL OR r.effective_to >= %(as_of)s)
      AND (%(tier)s::text IS NULL OR r.tier = %(tier)s)
),
shown AS (
    SELECT r.* FROM in_force r
    WHERE r.region IS NOT DISTINCT FROM (
        CASE WHEN EXISTS (SELECT FROM in_force o WHERE o.model_id = r.model_id AND o.tier = r.tier
                                                   AND o.region = %(region)s::text)
             THEN %(region)s::text END)
)""")

# PricingSerializer's row; `r` a pricing row.
_PRICE = sql.SQL("""json_build_object(
    'id', r.id, 'tier', r.tier, 'region', r.region, 'currency', r.currency,
    'input_per_million', r.input_per_million::text, 'output_per_million', r.output_per_million::text,
    'image_per_unit', r.image_per_unit::text, 'audio_per_minute', r.audio_per_minute::text,
    'video_per_minute', r.video_per_minute::text, 'fine_tuning_per_million', r.fine_tuning_per_million::text,
    'volume_discounts', r.volume_discounts, 'extra_prices', coalesce(r.metadata -> 'prices', '{}'),
    'effective_from', r.effective_from, 'effective_to', r.effective_to)""")

_SHOWN_ORDER = 'r.tier <> \'standard\', r.tier COLLATE "C", r.currency COLLATE "C"'

# ModelDetailSerializer's document of each chosen model, without its `sources` (`m`: the model);
# its scores and documentation only when :full (compare's rows have none).
_DETAIL_FIELDS = sql.SQL("""
    'slug', m.slug, 'name', localized_text(m.name, %(chain)s),
    'description', localized_text(m.description, %(chain)s),
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
    'pricing', coalesce((SELECT json_agg({price} ORDER BY {shown_order}) FROM shown r WHERE r.model_id = m.id), '[]'),
    'benchmark_scores', coalesce((
        SELECT json_agg(json_build_object(
            'suite', s.slug, 'suite_name', s.name, 'category', s.category, 'score_raw', b.score_raw::text,
            'score_normalized', b.score_normalized::text, 'percentile', b.percentile,
            'evaluation_date', b.evaluation_date, 'is_official', b.is_official)
            ORDER BY b.evaluation_date DESC, s.slug)
        FROM (SELECT b.* FROM benchmark_scores b JOIN benchmark_suites s ON s.id = b.suite_id
              WHERE b.model_id = m.id AND %(full)s
              ORDER BY b.evaluation_date DESC, s.slug LIMIT {recent}) b
        JOIN benchmark_suites s ON s.id = b.suite_id), '[]'),
    'documentation', coalesce((
        SELECT json_agg(json_build_object('doc_type', d.doc_type, 'title', localized_text(d.title, %(chain)s),
                                          'url', d.url, 'locale', d.locale, 'version', d.version)
                        ORDER BY %(locale)s <> '*' AND d.locale IS NULL, d.doc_type, d.locale, d.url)
        FROM (SELECT d.*, min(d.rank) OVER () AS best FROM (
                SELECT d.*, CASE WHEN d.locale = %(locale)s THEN 1
                                 WHEN split_part(d.locale, '-', 1) = split_part(%(locale)s, '-', 1) THEN 2
                                 WHEN d.locale = 'en-US' THEN 3 END AS rank
                FROM documentation d WHERE d.model_id = m.id AND %(full)s) d) d
        WHERE d.locale IS NULL OR %(locale)s = '*' OR d.rank = d.best), '[]'),
    'canonical_model', c.slug""").format(price=_PRICE, shown_order=_SHOWN_ORDER, recent=sql.Literal(RECENT_SCORES))

# The `sources` block of the chosen model: the stored (or given) block with the prices shown.
_SOURCES = sql.SQL("""json_build_object(
    'facts', src.document -> 'facts', 'offer', src.document -> 'offer',
    'prices', coalesce((SELECT json_object_agg(r.id, src.document -> 'prices' -> r.id::text ORDER BY {shown_order})
                        FROM shown r WHERE r.model_id = m.id), '{{}}'))""").format(shown_order=_SHOWN_ORDER)

DETAIL = (
    sql.SQL("""
WITH chosen AS (SELECT id FROM models WHERE slug = %(slug)s),
{prices_shown},
src AS (
    SELECT coalesce(%(sources)s::json, (
        SELECT mp.document FROM model_provenance mp
        WHERE mp.model_id = chosen.id AND mp.computed_on = %(today)s AND mp.release = %(release)s)) AS document,
        (SELECT mp.version FROM model_provenance mp WHERE mp.model_id = chosen.id) AS version
    FROM chosen
)
SELECT m.id, src.version, CASE WHEN src.document IS NOT NULL THEN
    json_build_object({fields}, 'sources', {sources})::text END
FROM models m JOIN chosen ON chosen.id = m.id JOIN providers p ON p.id = m.provider_id
LEFT JOIN canonical_models c ON c.id = m.canonical_model_id CROSS JOIN src
""")
    .format(prices_shown=_PRICES_SHOWN, fields=_DETAIL_FIELDS, sources=_SOURCES)
    .as_string()
)

# Compare's rows: today's prices, no scores, no documentation, no sources. With the latest score
# per suite of each model, and the suites all of them have.
COMPARE = (
    sql.SQL("""
WITH chosen AS (SELECT id, slug FROM models WHERE slug = ANY (%(slugs)s)),
{prices_shown},
latest AS (
    SELECT DISTINCT ON (b.model_id, s.slug) chosen.slug AS model, s.slug AS suite, json_build_object(
        'score_raw', b.score_raw::text, 'score_normalized', b.score_normalized::text,
        'evaluation_date', b.evaluation_date, 'is_official', b.is_official) AS score
    FROM benchmark_scores b JOIN chosen ON chosen.id = b.model_id JOIN benchmark_suites s ON s.id = b.suite_id
    ORDER BY b.model_id, s.slug, b.evaluation_date DESC
),
shared AS (
    SELECT suite, json_object_agg(model, score ORDER BY array_position(%(slugs)s::text[], model::text)) AS scores
    FROM latest GROUP BY suite HAVING count(*) = (SELECT count(*) FROM chosen)
)
SELECT array(SELECT slug FROM chosen), json_build_object(
    'models', (SELECT json_agg(json_build_object({fields})
                               ORDER BY array_position(%(slugs)s::text[], m.slug::text))
               FROM models m JOIN chosen ON chosen.id = m.id JOIN providers p ON p.id = m.provider_id
               LEFT JOIN canonical_models c ON c.id = m.canonical_model_id),
    'shared_benchmarks', coalesce((SELECT json_agg(json_build_object('suite', suite, 'scores', scores)
                                                   ORDER BY suite COLLATE "C") FROM shared), '[]'))::text
""")
    .format(prices_shown=_PRICES_SHOWN, fields=_DETAIL_FIELDS)
    .as_string()
)

PRICE_HISTORY = (
    sql.SQL("""
SELECT m.id, coalesce((
    SELECT json_agg({price} ORDER BY r.tier, r.region, r.currency, r.effective_from)
    -- uses index: idx_pricing_model
    FROM pricing r WHERE r.model_id = m.id), '[]')::text
FROM models m WHERE m.slug = %(slug)s
""")
    .format(price=_PRICE)
    .as_string()
)


def _locale_params(locale: str) -> dict:
    return {"locale": locale, "chain": None if locale == ALL else fallback_chain(locale)}


def _run(alias: str, statement: str, params: dict) -> tuple | None:
    with connections[alias].cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchone()


def model_document(
    slug: str,
    *,
    locale: str,
    as_of: datetime.date,
    today: datetime.date,
    region: str | None = None,
    tier: str | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> str | None:
    """The model detail (ModelDetailSerializer's document) as JSON text, or None without such a
    model: one statement, and three more on the first read after its sources changed."""
    params = {
        "slug": slug,
        "as_of": as_of,
        "region": region,
        "tier": tier,
        "today": today,
        "release": release_id(),
        "sources": None,
        "full": True,
        **_locale_params(locale),
    }
    row = _run(using, DETAIL, params)
    if row is None:
        return None
    model_id, version, document = row
    if document is None:
        params["sources"] = json.dumps(provenance_store(model_id, version=version, today=today))
        model_id, version, document = _run(using, DETAIL, params)
    return document


def provenance_store(model_id, *, version: int | None, today: datetime.date) -> dict:
    """The model's `sources` block with every price row's, computed now and stored unless what it
    was computed from changed since `version` was read (a write marked it stale again)."""
    model = AIModel.objects.select_related("canonical_model").annotate(**provenance_annotations()).get(pk=model_id)
    prices = list(Pricing.objects.filter(model_id=model_id))
    block = sources_block(models_provenance([model], prices)[model_id], model_id)
    stored = {"model": model_id, "version": version, "today": today, "release": release_id(), "doc": json.dumps(block)}
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        if version is None:
            cursor.execute(
                "INSERT INTO model_provenance (model_id, computed_on, release, document) "
                "VALUES (%(model)s, %(today)s, %(release)s, %(doc)s) ON CONFLICT (model_id) DO NOTHING",
                stored,
            )
        else:
            cursor.execute(
                "UPDATE model_provenance SET computed_on = %(today)s, release = %(release)s, document = %(doc)s "
                "WHERE model_id = %(model)s AND version = %(version)s",
                stored,
            )
    return block


def price_history_document(slug: str, *, using: str = DEFAULT_DB_ALIAS) -> str | None:
    """Every price period of the model (PricingSerializer's rows) as JSON text, or None without such a model."""
    row = _run(using, PRICE_HISTORY, {"slug": slug})
    return None if row is None else row[1]


def compare_document(
    slugs: Sequence[str], *, locale: str, today: datetime.date, using: str = DEFAULT_DB_ALIAS
) -> tuple[str, list[str]]:
    """Compare's document for these models as JSON text, and the slugs of those that do not exist."""
    params = {"slugs": list(slugs), "as_of": today, "region": None, "tier": None, "full": False}
    found, document = _run(using, COMPARE, {**params, **_locale_params(locale)})
    return document, [slug for slug in slugs if slug not in found]
