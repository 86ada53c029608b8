"""updated_at triggers for the catalog tables, and the "Editors" group."""

from django.db import migrations

from aigo.db.migration_helpers import group_with_model_permissions

UPDATED_AT_TABLES = ["providers", "models", "documentation"]

CASCADING_FKS = [
    ("models", "provider_id"),
    ("model_endpoints", "model_id"),
    ("pricing", "model_id"),
    ("benchmark_scores", "model_id"),
    ("benchmark_scores", "suite_id"),
    ("documentation", "model_id"),
]

CATALOG_MODELS = [
    "provider",
    "aimodel",
    "modelendpoint",
    "pricing",
    "benchmarksuite",
    "benchmarkscore",
    "documentation",
]


def create_editors(apps, schema_editor):
    group_with_model_permissions(apps, group="Editors", app_label="catalog", models=CATALOG_MODELS)


def delete_editors(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Editors").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        *[
            migrations.RunSQL(
                f"CREATE TRIGGER {table}_set_updated_at BEFORE UPDATE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION set_updated_at()",
                reverse_sql=f"DROP TRIGGER IF EXISTS {table}_set_updated_at ON {table}",
            )
            for table in UPDATED_AT_TABLES
        ],
        *[
            migrations.RunSQL(
                f"SELECT aigo_fk_on_delete('{table}', '{column}', 'CASCADE')",
                reverse_sql=f"SELECT aigo_fk_on_delete('{table}', '{column}', 'NO ACTION')",
            )
            for table, column in CASCADING_FKS
        ],
        migrations.RunPython(create_editors, delete_editors),
    ]
