"""Incidents announce themselves in catalog_changes (catalog/migrations/0009 says why by trigger):
opened, each public update, resolved."""

from django.db import migrations

TRIGGERS = """
CREATE FUNCTION incidents_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    model_slug text := (SELECT slug FROM models WHERE id = NEW.model_id);
    provider_slug text := COALESCE((SELECT slug FROM providers WHERE id = NEW.provider_id),
                                   (SELECT p.slug FROM models m JOIN providers p ON p.id = m.provider_id
                                    WHERE m.id = NEW.model_id));
    summary jsonb := jsonb_strip_nulls(jsonb_build_object(
        'title', NEW.title, 'severity', NEW.severity, 'status', NEW.status, 'regions', to_jsonb(NEW.regions),
        'started_at', NEW.started_at, 'resolved_at', NEW.resolved_at));
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM catalog_change_emit('incident.opened', 'incident', NEW.id::text, model_slug, provider_slug,
                                    jsonb_build_object('after', summary));
    ELSIF NEW.status = 'resolved' AND OLD.status <> 'resolved' THEN
        PERFORM catalog_change_emit('incident.resolved', 'incident', NEW.id::text, model_slug, provider_slug,
                                    jsonb_build_object('before', jsonb_build_object('status', OLD.status),
                                                       'after', summary));
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER incidents_change AFTER INSERT OR UPDATE OF status ON incidents
    FOR EACH ROW EXECUTE FUNCTION incidents_change();

-- Each public update, but not the first (the opening message), nor the resolution
-- (incident.opened and incident.resolved say those).
CREATE FUNCTION incident_updates_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    incident record;
BEGIN
    IF NEW.status = 'resolved' OR NOT EXISTS (SELECT 1 FROM incident_updates
                                              WHERE incident_id = NEW.incident_id AND id <> NEW.id) THEN
        RETURN NULL;
    END IF;
    SELECT m.slug AS model, COALESCE(p.slug, mp.slug) AS provider INTO incident
    FROM incidents i LEFT JOIN models m ON m.id = i.model_id LEFT JOIN providers p ON p.id = i.provider_id
    LEFT JOIN providers mp ON mp.id = m.provider_id
    WHERE i.id = NEW.incident_id;
    PERFORM catalog_change_emit('incident.updated', 'incident', NEW.incident_id::text, incident.model,
                                incident.provider, jsonb_build_object('after', jsonb_build_object(
                                    'status', NEW.status, 'message', NEW.message)));
    RETURN NULL;
END;
$$;
CREATE TRIGGER incident_updates_change AFTER INSERT ON incident_updates
    FOR EACH ROW EXECUTE FUNCTION incident_updates_change();
"""

REVERSE = """
DROP TRIGGER incident_updates_change ON incident_updates;
DROP FUNCTION incident_updates_change();
DROP TRIGGER incidents_change ON incidents;
DROP FUNCTION incidents_change();
"""


class Migration(migrations.Migration):
    dependencies = [("status", "0004_rollup_models"), ("catalog", "0009_catalog_changes")]

    operations = [migrations.RunSQL(TRIGGERS, reverse_sql=REVERSE)]
