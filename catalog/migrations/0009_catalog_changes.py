"""catalog_changes: one append-only, monthly partitioned log of typed change events, written by
triggers in the transaction of the change itself.

Triggers rather than a service: the catalog is written by the admin, the API, bulk updates of the
import (which send no Django signals) and raw SQL, and a trigger sees all of them, so no path can
change a price without its event, and no event can outlive a rolled-back change. Who made the
change comes from the transaction's `app.actor` (set by the audit middleware, the import and the
detector), where the data came from from the row's `metadata.source`.

`txid` is the writing transaction's id: the feed reads events in (txid, id) order and only from
transactions older than every one still running, so a reader paging with a cursor never skips an
event that commits late (catalog.changes.feed).
"""

from django.conf import settings
from django.db import migrations, models
from psycopg import sql

TABLE = """
CREATE TABLE catalog_changes (
    id BIGINT GENERATED ALWAYS AS IDENTITY,
    txid XID8 NOT NULL DEFAULT pg_current_xact_id(),
    occurred_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp(),
    type VARCHAR(40) NOT NULL,
    subject_kind VARCHAR(20) NOT NULL,
    subject VARCHAR(200) NOT NULL,
    model VARCHAR(100),
    provider VARCHAR(100),
    payload JSONB NOT NULL DEFAULT '{}',
    source JSONB NOT NULL DEFAULT '{}',
    PRIMARY KEY (id, occurred_at)
) PARTITION BY RANGE (occurred_at);
-- the feed, in commit-safe order
CREATE INDEX idx_changes_feed ON catalog_changes (txid, id);
-- one model's or one provider's changes (?models=, ?providers=, subscriptions)
CREATE INDEX idx_changes_model ON catalog_changes (model, txid, id) WHERE model IS NOT NULL;
CREATE INDEX idx_changes_provider ON catalog_changes (provider, txid, id) WHERE provider IS NOT NULL;
CREATE INDEX idx_changes_type ON catalog_changes (type, occurred_at DESC);
SELECT aigo_ensure_partitions('catalog_changes', 'month', 2);

CREATE FUNCTION catalog_change_emit(
    event_type text, subject_kind text, subject text, model text, provider text, payload jsonb,
    data_source text DEFAULT NULL
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    actor text := NULLIF(current_setting('app.actor', true), '');
BEGIN
    INSERT INTO catalog_changes (type, subject_kind, subject, model, provider, payload, source)
    VALUES (event_type, subject_kind, subject, model, provider, payload, jsonb_strip_nulls(jsonb_build_object(
        'kind', CASE split_part(actor, ':', 1)
                    WHEN 'user' THEN 'editor' WHEN 'key' THEN 'api' WHEN 'import' THEN 'importer'
                    WHEN 'detector' THEN 'detector' ELSE 'system' END,
        'actor', actor,
        -- the source a value came from, when the importer wrote it (an editor's row keeps its old source)
        'data', CASE WHEN actor LIKE 'import:%' THEN data_source END)));
END;
$$;

-- Whether the model was created by this same change: this transaction, or this import run (an
-- import writes in several transactions under one actor). What that change does next to the model
-- (its facts resolved, its first prices and scores) is part of its creation, not news of its own.
CREATE FUNCTION catalog_change_in_creation(model_slug text) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM catalog_changes
                   WHERE model = model_slug AND type = 'model.created'
                     AND (txid = pg_current_xact_id()
                          OR (current_setting('app.actor', true) LIKE 'import:%'
                              AND source->>'actor' = current_setting('app.actor', true))))
$$;

CREATE FUNCTION jsonb_pick(value jsonb, keys text[]) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT COALESCE(jsonb_object_agg(key, item), '{}') FROM jsonb_each(value) AS pair(key, item)
    WHERE key = ANY (keys) AND item <> 'null'
$$;

CREATE FUNCTION models_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    provider_slug text;
    -- What a reader of the catalog sees of a model (not its metadata, search vector or timestamps).
    tracked text[] := ARRAY['slug', 'name', 'released_at', 'deprecated_at', 'sunset_at', 'context_window',
                            'max_output_tokens', 'training_cutoff', 'modalities', 'capabilities', 'is_active'];
    after_row jsonb := jsonb_pick(to_jsonb(NEW), tracked);
    before_row jsonb;
    changed text[];
BEGIN
    IF TG_OP = 'UPDATE' THEN
        before_row := jsonb_pick(to_jsonb(OLD), tracked);
        changed := ARRAY(SELECT key FROM unnest(tracked) key WHERE before_row->key IS DISTINCT FROM after_row->key);
        IF cardinality(changed) = 0 OR catalog_change_in_creation(NEW.slug) THEN
            RETURN NULL;
        END IF;
    END IF;
    provider_slug := (SELECT slug FROM providers WHERE id = NEW.provider_id);
    IF TG_OP = 'INSERT' THEN
        PERFORM catalog_change_emit('model.created', 'model', NEW.slug, NEW.slug, provider_slug,
                                    jsonb_build_object('after', after_row), NEW.metadata->>'source');
        RETURN NULL;
    END IF;
    IF OLD.deprecated_at IS NULL AND NEW.deprecated_at IS NOT NULL THEN
        PERFORM catalog_change_emit('model.deprecated', 'model', NEW.slug, NEW.slug, provider_slug,
                                    jsonb_strip_nulls(jsonb_build_object('deprecated_at', NEW.deprecated_at,
                                                                         'sunset_at', NEW.sunset_at)),
                                    NEW.metadata->>'source');
        changed := array_remove(array_remove(changed, 'deprecated_at'),
                                CASE WHEN OLD.sunset_at IS NULL THEN 'sunset_at' END);
    END IF;
    IF cardinality(changed) > 0 THEN
        PERFORM catalog_change_emit('model.updated', 'model', NEW.slug, NEW.slug, provider_slug,
            jsonb_build_object('fields', to_jsonb(changed), 'before', jsonb_pick(before_row, changed),
                               'after', jsonb_pick(after_row, changed)),
            NEW.metadata->>'source');
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER models_change_insert AFTER INSERT ON models FOR EACH ROW EXECUTE FUNCTION models_change();
-- The import rewrites thousands of rows unchanged: those never enter the function.
CREATE TRIGGER models_change_update AFTER UPDATE ON models FOR EACH ROW
    WHEN ((OLD.slug, OLD.name, OLD.released_at, OLD.deprecated_at, OLD.sunset_at, OLD.context_window,
           OLD.max_output_tokens, OLD.training_cutoff, OLD.modalities, OLD.capabilities, OLD.is_active)
          IS DISTINCT FROM
          (NEW.slug, NEW.name, NEW.released_at, NEW.deprecated_at, NEW.sunset_at, NEW.context_window,
           NEW.max_output_tokens, NEW.training_cutoff, NEW.modalities, NEW.capabilities, NEW.is_active))
    EXECUTE FUNCTION models_change();

CREATE FUNCTION pricing_amounts(row_value jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_strip_nulls(jsonb_build_object(
        'input_per_million', row_value->'input_per_million', 'output_per_million', row_value->'output_per_million',
        'image_per_unit', row_value->'image_per_unit', 'audio_per_minute', row_value->'audio_per_minute',
        'video_per_minute', row_value->'video_per_minute',
        'fine_tuning_per_million', row_value->'fine_tuning_per_million'))
$$;

CREATE FUNCTION pricing_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    model_row record;
    before_amounts jsonb;
    after_amounts jsonb := pricing_amounts(to_jsonb(NEW));
    percent jsonb;
BEGIN
    SELECT m.slug, p.slug AS provider INTO model_row FROM models m JOIN providers p ON p.id = m.provider_id
    WHERE m.id = NEW.model_id;
    IF TG_OP = 'UPDATE' THEN
        before_amounts := pricing_amounts(to_jsonb(OLD));
    ELSE
        -- The period this one follows: the latest that started before it, of the same tier, region and currency.
        SELECT pricing_amounts(to_jsonb(previous)) INTO before_amounts FROM pricing previous
        WHERE previous.model_id = NEW.model_id AND previous.tier = NEW.tier AND previous.currency = NEW.currency
          AND previous.region IS NOT DISTINCT FROM NEW.region AND previous.effective_from < NEW.effective_from
          AND previous.id <> NEW.id
        ORDER BY previous.effective_from DESC LIMIT 1;
    END IF;
    IF before_amounts IS NOT DISTINCT FROM after_amounts OR catalog_change_in_creation(model_row.slug) THEN
        RETURN NULL;
    END IF;
    percent := (SELECT COALESCE(jsonb_object_agg(key, round((((after_amounts->>key)::numeric
                                                              - (before_amounts->>key)::numeric) * 100
                                                             / (before_amounts->>key)::numeric), 1)), '{}')
                FROM jsonb_object_keys(after_amounts) key
                WHERE (before_amounts->>key)::numeric > 0);
    PERFORM catalog_change_emit(
        CASE WHEN NEW.effective_from > current_date THEN 'price.scheduled' ELSE 'price.changed' END,
        'model', model_row.slug, model_row.slug, model_row.provider,
        jsonb_build_object('tier', NEW.tier, 'region', NEW.region, 'currency', NEW.currency,
                           'effective_from', NEW.effective_from, 'before', before_amounts, 'after', after_amounts,
                           'percent', percent),
        NEW.metadata->>'source');
    RETURN NULL;
END;
$$;
CREATE TRIGGER pricing_change AFTER INSERT ON pricing FOR EACH ROW EXECUTE FUNCTION pricing_change();
CREATE TRIGGER pricing_change_update AFTER UPDATE ON pricing FOR EACH ROW
    WHEN ((OLD.input_per_million, OLD.output_per_million, OLD.image_per_unit, OLD.audio_per_minute,
           OLD.video_per_minute, OLD.fine_tuning_per_million)
          IS DISTINCT FROM
          (NEW.input_per_million, NEW.output_per_million, NEW.image_per_unit, NEW.audio_per_minute,
           NEW.video_per_minute, NEW.fine_tuning_per_million))
    EXECUTE FUNCTION pricing_change();

CREATE FUNCTION benchmark_scores_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    model_row record;
BEGIN
    IF NEW.source = 'demo' THEN
        RETURN NULL;
    END IF;
    SELECT m.slug, p.slug AS provider INTO model_row FROM models m JOIN providers p ON p.id = m.provider_id
    WHERE m.id = NEW.model_id;
    IF catalog_change_in_creation(model_row.slug) THEN
        RETURN NULL;
    END IF;
    PERFORM catalog_change_emit('benchmark.scored', 'model', model_row.slug, model_row.slug, model_row.provider,
        jsonb_strip_nulls(jsonb_build_object(
            'suite', (SELECT slug FROM benchmark_suites WHERE id = NEW.suite_id),
            'before', CASE WHEN TG_OP = 'UPDATE' THEN jsonb_build_object('score', OLD.score_raw) END,
            'after', jsonb_build_object('score', NEW.score_raw, 'score_normalized', NEW.score_normalized),
            'evaluation_date', NEW.evaluation_date, 'source_url', NEW.source_url)),
        NEW.source);
    RETURN NULL;
END;
$$;
CREATE TRIGGER benchmark_scores_change AFTER INSERT ON benchmark_scores
    FOR EACH ROW EXECUTE FUNCTION benchmark_scores_change();
CREATE TRIGGER benchmark_scores_change_update AFTER UPDATE ON benchmark_scores
    FOR EACH ROW WHEN (OLD.score_raw IS DISTINCT FROM NEW.score_raw) EXECUTE FUNCTION benchmark_scores_change();
"""

TABLE_REVERSE = """
DROP TRIGGER benchmark_scores_change_update ON benchmark_scores;
DROP TRIGGER benchmark_scores_change ON benchmark_scores;
DROP FUNCTION benchmark_scores_change();
DROP TRIGGER pricing_change_update ON pricing;
DROP TRIGGER pricing_change ON pricing;
DROP FUNCTION pricing_change();
DROP FUNCTION pricing_amounts(jsonb);
DROP TRIGGER models_change_update ON models;
DROP TRIGGER models_change_insert ON models;
DROP FUNCTION models_change();
DROP FUNCTION jsonb_pick(jsonb, text[]);
DROP FUNCTION catalog_change_in_creation(text);
DROP FUNCTION catalog_change_emit(text, text, text, text, text, jsonb, text);
DROP TABLE catalog_changes;
"""


def append_only(apps, schema_editor):
    """The app role adds events and never changes or removes one: they are what subscribers were told."""
    if settings.AIGO_DB_APP_ROLE:
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON catalog_changes FROM {}").format(
                    sql.Identifier(settings.AIGO_DB_APP_ROLE)
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0008_source_foreign_keys"),
        ("aigo", "0004_partition_manager"),
    ]

    operations = [
        migrations.RunSQL(TABLE, reverse_sql=TABLE_REVERSE),
        migrations.RunPython(append_only, migrations.RunPython.noop),
        migrations.CreateModel(
            name="ChangeEvent",
            fields=[
                ("pk", models.CompositePrimaryKey("id", "occurred_at", blank=True, editable=False, primary_key=True, serialize=False)),
                ("id", models.BigIntegerField()),
                ("occurred_at", models.DateTimeField()),
                ("type", models.CharField(max_length=40)),
                ("subject_kind", models.CharField(max_length=20)),
                ("subject", models.CharField(max_length=200)),
                ("model", models.CharField(max_length=100, null=True)),
                ("provider", models.CharField(max_length=100, null=True)),
                ("payload", models.JSONField()),
                ("source", models.JSONField()),
            ],
            options={"db_table": "catalog_changes", "managed": False, "default_permissions": (), "ordering": ["id"]},
        ),
    ]
