"""exchange_rates: ECB reference rates and editors' own, kept by trigger and audited for editors' rows."""

import django.contrib.postgres.functions
import django.core.validators
import uuid
from django.db import migrations, models

from aigo.db.migration_helpers import group_with_model_permissions

EDITED_MODELS = [
    "provider",
    "aimodel",
    "modelendpoint",
    "pricing",
    "benchmarksuite",
    "benchmarkscore",
    "documentation",
    "exchangerate",
]

# Only editors' rows reach the trail: an import of the ECB history is 200,000 rows, not edits.
AUDIT = """
CREATE TRIGGER exchange_rates_audit AFTER INSERT OR UPDATE ON exchange_rates
    FOR EACH ROW WHEN (NEW.source = 'editor') EXECUTE FUNCTION audit_trigger();
CREATE TRIGGER exchange_rates_audit_delete AFTER DELETE ON exchange_rates
    FOR EACH ROW WHEN (OLD.source = 'editor') EXECUTE FUNCTION audit_trigger();
"""


def editors_edit_rates(apps, schema_editor):
    group_with_model_permissions(apps, group="Editors", app_label="catalog", models=EDITED_MODELS)


def editors_do_not(apps, schema_editor):
    group_with_model_permissions(apps, group="Editors", app_label="catalog", models=EDITED_MODELS[:-1])


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0005_refresh_function'),
        ('accounts', '0003_audit'),
    ]

    operations = [
        migrations.CreateModel(
            name='ExchangeRate',
            fields=[
                ('id', models.UUIDField(db_default=django.contrib.postgres.functions.RandomUUID(), default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('currency', models.CharField(help_text='ISO 4217 code, e.g. JPY.', max_length=3, validators=[django.core.validators.RegexValidator('^[A-Z]{3}$', 'Use a three-letter upper-case ISO 4217 code, e.g. USD.')])),
                ('rate', models.DecimalField(decimal_places=8, help_text='Units of the currency per 1 EUR.', max_digits=18)),
                ('effective_date', models.DateField()),
                ('source', models.CharField(choices=[('ecb', 'European Central Bank'), ('editor', 'Editor')], db_default='editor', default='editor', max_length=10)),
                ('created_at', models.DateTimeField(db_default=django.contrib.postgres.functions.TransactionNow(), editable=False)),
                ('updated_at', models.DateTimeField(db_default=django.contrib.postgres.functions.TransactionNow(), editable=False)),
            ],
            options={
                'db_table': 'exchange_rates',
                'ordering': ['-effective_date', 'currency'],
                'constraints': [models.UniqueConstraint(fields=('currency', 'effective_date', 'source'), name='exchange_rates_one_per_day_and_source', violation_error_message='This currency already has a rate from this source on this day.'), models.CheckConstraint(condition=models.Q(('rate__gt', 0)), name='exchange_rates_rate_positive', violation_error_message='A rate is > 0.'), models.CheckConstraint(condition=models.Q(('currency__regex', '^[A-Z]{3}$'), models.Q(('currency', 'EUR'), _negated=True)), name='exchange_rates_currency_iso_not_eur', violation_error_message='Rates are per 1 EUR: give another ISO 4217 currency.'), models.CheckConstraint(condition=models.Q(('source__in', ['ecb', 'editor'])), name='exchange_rates_source_known')],
            },
        ),
        migrations.RunSQL(
            "CREATE TRIGGER exchange_rates_set_updated_at BEFORE UPDATE ON exchange_rates "
            "FOR EACH ROW EXECUTE FUNCTION set_updated_at()",
            reverse_sql="DROP TRIGGER exchange_rates_set_updated_at ON exchange_rates",
        ),
        migrations.RunSQL(
            AUDIT,
            reverse_sql="DROP TRIGGER exchange_rates_audit ON exchange_rates;"
            " DROP TRIGGER exchange_rates_audit_delete ON exchange_rates",
        ),
        migrations.RunPython(editors_edit_rates, editors_do_not),
    ]
