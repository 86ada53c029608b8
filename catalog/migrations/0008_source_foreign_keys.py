"""The new catalog foreign keys act in the database, as every catalog foreign key does (their
constraints exist only once 0007 has run: Django creates them at the end of a migration)."""

from django.db import migrations

# The database applies these, as for every catalog foreign key (DEFERRABLE, as Django expects).
ON_DELETE = [
    ("models", "canonical_model_id", "SET NULL"),
    ("canonical_models", "maker_id", "SET NULL"),
    ("canonical_models", "successor_id", "SET NULL"),
    ("source_mappings", "provider_id", "CASCADE"),
    ("source_mappings", "model_id", "CASCADE"),
    ("source_mappings", "canonical_model_id", "CASCADE"),
]


class Migration(migrations.Migration):
    dependencies = [("catalog", "0007_canonical_models_and_sources")]

    operations = [
        migrations.RunSQL(
            [("SELECT aigo_fk_on_delete(%s, %s, %s)", [table, column, action])],
            reverse_sql=[("SELECT aigo_fk_on_delete(%s, %s, 'NO ACTION')", [table, column])],
        )
        for table, column, action in ON_DELETE
    ]
