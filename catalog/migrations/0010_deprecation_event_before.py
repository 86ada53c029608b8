"""model.deprecated says what came before too (`before` / `after`, like model.updated), so an export
of a past day can undo it (catalog.exports)."""

from django.db import migrations

WITH_BEFORE = """
CREATE OR REPLACE FUNCTION models_change() RETURNS trigger LANGUAGE plpgsql AS $$
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
            jsonb_strip_nulls(jsonb_build_object('deprecated_at', NEW.deprecated_at, 'sunset_at', NEW.sunset_at))
            || jsonb_build_object('before', jsonb_pick(before_row, ARRAY['deprecated_at', 'sunset_at']),
                                  'after', jsonb_pick(after_row, ARRAY['deprecated_at', 'sunset_at'])),
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
"""

WITHOUT_BEFORE = """
CREATE OR REPLACE FUNCTION models_change() RETURNS trigger LANGUAGE plpgsql AS $$
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
"""


class Migration(migrations.Migration):
    dependencies = [("catalog", "0009_catalog_changes")]

    operations = [migrations.RunSQL(WITH_BEFORE, reverse_sql=WITHOUT_BEFORE)]
