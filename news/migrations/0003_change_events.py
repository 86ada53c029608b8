"""An article announces itself in catalog_changes when it becomes visible: at once when published
with a time already past, else when its scheduled time comes (news.tasks sweeps for those)."""

from django.db import migrations

TRIGGERS = """
CREATE FUNCTION news_articles_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.published_at IS NOT NULL AND NEW.published_at <= now()
       AND (TG_OP = 'INSERT' OR OLD.published_at IS NULL OR OLD.published_at > now()) THEN
        PERFORM catalog_change_emit('news.published', 'article', NEW.slug, NULL, NULL,
                                    jsonb_build_object('after', jsonb_build_object(
                                        'title', NEW.title, 'published_at', NEW.published_at,
                                        'category', NEW.category)));
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER news_articles_change AFTER INSERT OR UPDATE OF published_at ON news_articles
    FOR EACH ROW EXECUTE FUNCTION news_articles_change();
"""

REVERSE = """
DROP TRIGGER news_articles_change ON news_articles;
DROP FUNCTION news_articles_change();
"""


class Migration(migrations.Migration):
    dependencies = [("news", "0002_triggers_audit_editors"), ("catalog", "0009_catalog_changes")]

    operations = [migrations.RunSQL(TRIGGERS, reverse_sql=REVERSE)]
