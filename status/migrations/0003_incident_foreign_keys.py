"""ON DELETE in the database (Django creates foreign keys at the end of the previous migration):
an incident outlives a deleted model or provider; its updates go with it."""

from django.db import migrations

FOREIGN_KEYS = [
    ("incidents", "model_id", "SET NULL"),
    ("incidents", "provider_id", "SET NULL"),
    ("incident_updates", "incident_id", "CASCADE"),
]


class Migration(migrations.Migration):
    dependencies = [("status", "0002_incidents")]

    operations = [
        migrations.RunSQL(
            f"SELECT aigo_fk_on_delete('{table}', '{column}', '{action}')",
            reverse_sql=f"SELECT aigo_fk_on_delete('{table}', '{column}', 'NO ACTION')",
        )
        for table, column, action in FOREIGN_KEYS
    ]
