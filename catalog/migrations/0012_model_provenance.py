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


class Migration(migrations.Migration):
    dependencies = [("catalog", "0011_listings_refreshed")]

    operations = [
        migrations.RunSQL(TABLE, reverse_sql="DROP TABLE model_provenance"),
        migrations.RunSQL(STALE_FUNCTION, reverse_sql="DROP FUNCTION model_provenance_stale()"),
        migrations.RunSQL(CREATE_TRIGGERS, reverse_sql=DROP_TRIGGERS),
        migrations.RunSQL(LOCALIZED, reverse_sql="DROP FUNCTION localized_text(jsonb, text[])"),
    ]
