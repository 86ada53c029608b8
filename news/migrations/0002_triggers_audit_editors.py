"""What the ORM cannot say about the news tables: the derived columns' trigger, updated_at,
ON DELETE actions in the database, the audit trail, and the Editors' news permissions."""

from django.db import migrations

from aigo.db.migration_helpers import group_with_model_permissions

# available_locales: the locales with a non-empty title AND non-empty content (what a reader
# of that locale can actually read). search_vector / search_text: every locale's title (A) and
# summary (B), English stemmed, other languages with simple (whole CJK runs as tokens), as
# update_search_vector() does for models; search_text is the lower-cased titles for trigrams.
DERIVE = """
CREATE OR REPLACE FUNCTION news_articles_derive() RETURNS trigger AS $$
DECLARE
    entry record;
    vector tsvector := ''::tsvector;
BEGIN
    NEW.available_locales := ARRAY(
        SELECT t.key
        FROM jsonb_each_text(COALESCE(NEW.title, '{}')) t
        JOIN jsonb_each_text(COALESCE(NEW.content, '{}')) c ON c.key = t.key
        WHERE btrim(t.value) <> '' AND btrim(c.value) <> ''
        ORDER BY t.key
    );
    FOR entry IN SELECT key, value, 'A' AS weight FROM jsonb_each_text(COALESCE(NEW.title, '{}'))
                 UNION ALL
                 SELECT key, value, 'B' FROM jsonb_each_text(COALESCE(NEW.summary, '{}'))
    LOOP
        vector := vector || setweight(
            to_tsvector(CASE WHEN entry.key LIKE 'en-%' THEN 'english' ELSE 'simple' END::regconfig, entry.value),
            entry.weight::"char"
        );
    END LOOP;
    NEW.search_vector := vector;
    NEW.search_text := lower((SELECT string_agg(value, ' ') FROM jsonb_each_text(COALESCE(NEW.title, '{}'))));
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

-- Also on writes to the derived columns themselves, so nothing can set them out of step.
CREATE TRIGGER news_articles_derive
BEFORE INSERT OR UPDATE OF title, summary, content, available_locales, search_vector, search_text ON news_articles
FOR EACH ROW EXECUTE FUNCTION news_articles_derive();

-- Checked after the BEFORE trigger has filled available_locales: the primary locale is readable.
ALTER TABLE news_articles ADD CONSTRAINT news_articles_primary_locale_available
    CHECK (locale_primary = ANY (available_locales));

-- Every column but view_count: the view-count flush is no edit and must not move updated_at.
CREATE TRIGGER news_articles_set_updated_at
BEFORE UPDATE OF slug, title, summary, content, author_id, category, tags, source_url, image_url, published_at,
                 locale_primary, is_featured, metadata ON news_articles
FOR EACH ROW EXECUTE FUNCTION set_updated_at();
"""

REVERSE_DERIVE = """
DROP TRIGGER IF EXISTS news_articles_set_updated_at ON news_articles;
ALTER TABLE news_articles DROP CONSTRAINT IF EXISTS news_articles_primary_locale_available;
DROP TRIGGER IF EXISTS news_articles_derive ON news_articles;
DROP FUNCTION IF EXISTS news_articles_derive();
"""

ON_DELETE = [
    ("news_model_mentions", "news_id", "CASCADE"),
    ("news_model_mentions", "model_id", "CASCADE"),
    ("news_articles", "author_id", "SET NULL"),
]

# view_count moves on every flush and the derived columns follow the text: no editorial change.
# Mentions pass an empty column name: audit_trigger() called with no arguments at all records
# NULL old/new values (TG_ARGV is NULL then, and jsonb - NULL is NULL). Mentions have no id
# column, so their rows are found by new_values->>'news_id', not record_id.
AUDIT = """
CREATE TRIGGER news_articles_audit AFTER INSERT OR UPDATE OR DELETE ON news_articles
FOR EACH ROW EXECUTE FUNCTION audit_trigger('view_count', 'search_vector', 'search_text', 'available_locales');
CREATE TRIGGER news_model_mentions_audit AFTER INSERT OR UPDATE OR DELETE ON news_model_mentions
FOR EACH ROW EXECUTE FUNCTION audit_trigger('');
"""

REVERSE_AUDIT = """
DROP TRIGGER IF EXISTS news_articles_audit ON news_articles;
DROP TRIGGER IF EXISTS news_model_mentions_audit ON news_model_mentions;
"""


def grant_editors(apps, schema_editor):
    group_with_model_permissions(apps, group="Editors", app_label="news", models=["newsarticle", "newsmodelmention"])


def revoke_editors(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name="Editors"):
        group.permissions.remove(*group.permissions.filter(content_type__app_label="news"))


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0001_news_articles"),
        ("catalog", "0002_triggers_and_editors"),
        ("accounts", "0003_audit"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunSQL(DERIVE, reverse_sql=REVERSE_DERIVE),
        *[
            migrations.RunSQL(
                f"SELECT aigo_fk_on_delete('{table}', '{column}', '{action}')",
                reverse_sql=f"SELECT aigo_fk_on_delete('{table}', '{column}', 'NO ACTION')",
            )
            for table, column, action in ON_DELETE
        ],
        migrations.RunSQL(AUDIT, reverse_sql=REVERSE_AUDIT),
        migrations.RunPython(grant_editors, revoke_editors),
    ]
