"""search_models() reads only the rows that can match: the same results, a fifth to a twentieth of the time.

It scored every active listing (7,271 on the imported catalog): about 85 ms a search, most of it
word_similarity() over each row's names in every locale. A row ranks (0.35 or more) only if its
compact text contains the query's, its full text matches, or its word similarity reaches
0.35 / 0.85 = 0.412; the first two are what the trigram and full-text indexes answer, the third
is pg_trgm's `<%` with its threshold set just below that, for this function only (a function's SET
is undone when it returns, so no session, pooled or not, sees it). Exact and prefix matches are
substrings, so they are among those rows, and rank 1.0 or 0.9 without computing the rest: the
similarity, at most 0.85, cannot beat them.

Queries of three characters or more take 4-17 ms (gpt-4o 45 ms: most of the catalog matches it);
shorter ones ("o3", "4o") give the trigram index nothing to look up and still read every row.
Nothing changes for a reader, so there is nothing to undo.
"""

from django.db import migrations

SEARCH_MODELS = """
CREATE OR REPLACE FUNCTION search_models(query_text text, locale varchar DEFAULT 'en-US', limit_count int DEFAULT 20)
RETURNS TABLE(id uuid, name jsonb, rank real)
LANGUAGE sql STABLE
-- The fuzzy candidates' threshold: 0.35 / 0.85, rounded down.
SET pg_trgm.word_similarity_threshold = 0.41
AS $$
    WITH q AS MATERIALIZED (
        SELECT lower(btrim(query_text)) AS text,
               regexp_replace(lower(query_text), '[^[:alnum:]]+', '', 'g') AS compact,
               plainto_tsquery('english', query_text) || plainto_tsquery('simple', query_text) AS tsq
    ),
    scored AS (
        SELECT l.id, l.name, l.slug, CASE
            WHEN l.slug_compact = q.compact OR l.name_compact = q.compact OR lower(l.name->>locale) = q.text THEN 1.0
            WHEN l.slug_compact LIKE q.compact || '%' OR l.name_compact LIKE q.compact || '%' THEN 0.9
            ELSE GREATEST(
                CASE WHEN l.search_vector @@ q.tsq THEN 0.5 + LEAST(ts_rank(l.search_vector, q.tsq), 0.3) ELSE 0 END,
                CASE WHEN l.search_compact LIKE '%' || q.compact || '%' THEN 0.6 ELSE 0 END,
                word_similarity(q.text, l.search_text) * 0.85
            )
        END AS rank
        FROM model_listings l, q
        WHERE l.is_active AND q.compact <> ''
          AND (l.search_compact LIKE '%' || q.compact || '%' OR l.search_vector @@ q.tsq OR q.text <% l.search_text)
    )
    SELECT s.id, s.name, s.rank::real
    FROM scored s
    WHERE s.rank >= 0.35
    ORDER BY s.rank DESC, s.slug
    LIMIT limit_count
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("catalog", "0017_localized_text_plpgsql")]

    operations = [migrations.RunSQL(SEARCH_MODELS, reverse_sql=migrations.RunSQL.noop)]
