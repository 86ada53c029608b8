"""Canonical models (the thing a maker releases) linked from each provider's offer, and the tables
of the source import: imports, append-only observations, current values, mappings and the review
queue of disagreements; benchmark scores say where they were published."""

import aigo.fields
import aigo.i18n
import django.contrib.postgres.functions
import django.core.validators
import django.db.models.deletion
import django.db.models.functions.datetime
import uuid
from django.conf import settings
from django.db import migrations, models
from psycopg import sql

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
    "canonicalmodel",
    "sourcemapping",
    "sourcedisagreement",
    "sourceimport",
    "sourceobservation",
    "sourcevalue",
]

TRIGGERS = """
CREATE TRIGGER canonical_models_set_updated_at BEFORE UPDATE ON canonical_models
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER source_mappings_set_updated_at BEFORE UPDATE ON source_mappings
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER canonical_models_audit AFTER INSERT OR UPDATE OR DELETE ON canonical_models
    FOR EACH ROW EXECUTE FUNCTION audit_trigger();
-- Editors' mappings and decisions reach the trail; the import's automatic ones are thousands of
-- rows per run and no editorial change.
CREATE TRIGGER source_mappings_audit AFTER INSERT OR UPDATE ON source_mappings
    FOR EACH ROW WHEN (NEW.rule = 'editor') EXECUTE FUNCTION audit_trigger();
CREATE TRIGGER source_mappings_audit_delete AFTER DELETE ON source_mappings
    FOR EACH ROW WHEN (OLD.rule = 'editor') EXECUTE FUNCTION audit_trigger();
CREATE TRIGGER source_disagreements_audit AFTER UPDATE ON source_disagreements
    FOR EACH ROW WHEN (NEW.resolved_by <> '') EXECUTE FUNCTION audit_trigger();
"""
TRIGGERS_REVERSE = """
DROP TRIGGER IF EXISTS source_disagreements_audit ON source_disagreements;
DROP TRIGGER IF EXISTS source_mappings_audit_delete ON source_mappings;
DROP TRIGGER IF EXISTS source_mappings_audit ON source_mappings;
DROP TRIGGER IF EXISTS canonical_models_audit ON canonical_models;
DROP TRIGGER IF EXISTS source_mappings_set_updated_at ON source_mappings;
DROP TRIGGER IF EXISTS canonical_models_set_updated_at ON canonical_models;
"""

def observations_append_only(apps, schema_editor):
    """The app role adds observations and never changes or removes one: they are the history."""
    if settings.AIGO_DB_APP_ROLE:
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON source_observations FROM {}").format(
                    sql.Identifier(settings.AIGO_DB_APP_ROLE)
                )
            )


def observations_writable(apps, schema_editor):
    if settings.AIGO_DB_APP_ROLE:
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                sql.SQL("GRANT UPDATE, DELETE, TRUNCATE ON source_observations TO {}").format(
                    sql.Identifier(settings.AIGO_DB_APP_ROLE)
                )
            )


def editors_edit_sources(apps, schema_editor):
    group_with_model_permissions(apps, group="Editors", app_label="catalog", models=EDITED_MODELS)


def editors_do_not(apps, schema_editor):
    group_with_model_permissions(apps, group="Editors", app_label="catalog", models=EDITED_MODELS[:-6])


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0006_exchange_rates'),
    ]

    operations = [
        migrations.CreateModel(
            name='SourceDisagreement',
            fields=[
                ('id', models.UUIDField(db_default=django.contrib.postgres.functions.RandomUUID(), default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('subject', models.CharField(choices=[('provider', 'provider'), ('offer', 'model offer'), ('canonical', 'canonical model'), ('price', 'price'), ('benchmark', 'benchmark'), ('score', 'score')], max_length=20)),
                ('target_id', models.UUIDField()),
                ('field', models.CharField(max_length=60)),
                ('values', models.JSONField(default=dict)),
                ('status', models.CharField(choices=[('open', 'open'), ('resolved', 'resolved'), ('superseded', 'superseded')], default='open', max_length=20)),
                ('impact', models.FloatField(default=0)),
                ('opened_at', models.DateTimeField(db_default=django.db.models.functions.datetime.Now())),
                ('chosen', models.JSONField(blank=True, null=True)),
                ('chosen_source', models.CharField(blank=True, default='', max_length=50)),
                ('resolved_by', models.CharField(blank=True, default='', max_length=150)),
                ('resolved_at', models.DateTimeField(blank=True, null=True)),
            ],
            options={
                'verbose_name': 'source disagreement',
                'db_table': 'source_disagreements',
                'ordering': ['-impact', '-opened_at'],
            },
        ),
        migrations.CreateModel(
            name='SourceImport',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('source', models.CharField(max_length=50)),
                ('version', models.CharField(max_length=100)),
                ('snapshot_date', models.DateField(blank=True, null=True)),
                ('started_at', models.DateTimeField(db_default=django.db.models.functions.datetime.Now())),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('status', models.CharField(default='running', max_length=20)),
                ('counts', models.JSONField(blank=True, default=dict)),
                ('error', models.TextField(blank=True, default='')),
            ],
            options={
                'db_table': 'source_imports', 'default_permissions': ('view',),
                'ordering': ['-started_at'],
            },
        ),
        migrations.CreateModel(
            name='SourceMapping',
            fields=[
                ('id', models.UUIDField(db_default=django.contrib.postgres.functions.RandomUUID(), default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('source', models.CharField(max_length=50)),
                ('subject', models.CharField(choices=[('provider', 'provider'), ('offer', 'model offer'), ('canonical', 'canonical model')], max_length=20)),
                ('source_key', models.CharField(max_length=300)),
                ('rule', models.CharField(choices=[('automatic', 'automatic'), ('editor', 'editor')], default='editor', max_length=20)),
                ('note', models.TextField(blank=True, default='')),
                ('created_at', models.DateTimeField(db_default=django.contrib.postgres.functions.TransactionNow(), editable=False)),
                ('updated_at', models.DateTimeField(db_default=django.contrib.postgres.functions.TransactionNow(), editable=False)),
            ],
            options={
                'db_table': 'source_mappings',
            },
        ),
        migrations.CreateModel(
            name='SourceObservation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('source', models.CharField(max_length=50)),
                ('subject', models.CharField(choices=[('provider', 'provider'), ('offer', 'model offer'), ('canonical', 'canonical model'), ('price', 'price'), ('benchmark', 'benchmark'), ('score', 'score')], max_length=20)),
                ('source_key', models.CharField(max_length=300)),
                ('field', models.CharField(max_length=60)),
                ('value', models.JSONField(null=True)),
                ('observed_at', models.DateTimeField(db_default=django.db.models.functions.datetime.Now())),
            ],
            options={
                'db_table': 'source_observations', 'default_permissions': ('view',),
                'ordering': ['-observed_at'],
            },
        ),
        migrations.CreateModel(
            name='SourceValue',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('source', models.CharField(max_length=50)),
                ('subject', models.CharField(choices=[('provider', 'provider'), ('offer', 'model offer'), ('canonical', 'canonical model'), ('price', 'price'), ('benchmark', 'benchmark'), ('score', 'score')], max_length=20)),
                ('source_key', models.CharField(max_length=300)),
                ('field', models.CharField(max_length=60)),
                ('value', models.JSONField()),
                ('since', models.DateTimeField()),
                ('checked_at', models.DateTimeField()),
                ('target_id', models.UUIDField(blank=True, null=True)),
            ],
            options={
                'db_table': 'source_values', 'default_permissions': ('view',),
            },
        ),
        migrations.AddField(
            model_name='benchmarkscore',
            name='is_self_reported',
            field=models.BooleanField(blank=True, help_text="Published by the model's maker.", null=True),
        ),
        migrations.AddField(
            model_name='benchmarkscore',
            name='is_verified',
            field=models.BooleanField(db_default=False, default=False, help_text='Reproduced independently.'),
        ),
        migrations.AddField(
            model_name='benchmarkscore',
            name='method',
            field=models.CharField(blank=True, help_text='How it was run, e.g. "0-shot CoT".', max_length=200, null=True),
        ),
        migrations.AddField(
            model_name='benchmarkscore',
            name='source',
            field=models.CharField(db_default='editor', default='editor', max_length=50),
        ),
        migrations.AddField(
            model_name='benchmarkscore',
            name='source_url',
            field=models.URLField(blank=True, help_text='Where the score was published.', max_length=500, null=True),
        ),
        migrations.CreateModel(
            name='CanonicalModel',
            fields=[
                ('id', models.UUIDField(db_default=django.contrib.postgres.functions.RandomUUID(), default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('key', models.CharField(editable=False, max_length=200)),
                ('slug', models.SlugField(db_index=False, max_length=100)),
                ('name', aigo.i18n.LocalizedField(required_locales=('en-US',))),
                ('description', aigo.i18n.LocalizedField(blank=True, long_text=True, null=True)),
                ('family', models.CharField(blank=True, max_length=100, null=True)),
                ('released_at', models.DateField(blank=True, null=True)),
                ('deprecated_at', models.DateField(blank=True, help_text='The day the deprecation was announced.', null=True)),
                ('sunset_at', models.DateField(blank=True, help_text='The day it stops working (retirement).', null=True)),
                ('training_cutoff', models.DateField(blank=True, null=True)),
                ('open_weights', models.BooleanField(blank=True, null=True)),
                ('license', models.CharField(blank=True, max_length=100, null=True)),
                ('parameter_count', models.BigIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1)])),
                ('context_window', models.IntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1)])),
                ('max_output_tokens', models.IntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1)])),
                ('modalities', aigo.fields.ChoiceArrayField(base_field=models.TextField(choices=[('text', 'Text'), ('image', 'Image'), ('audio', 'Audio'), ('video', 'Video')]), blank=True, db_default=models.Value('{}'), default=list, size=None)),
                ('capabilities', aigo.fields.ChoiceArrayField(base_field=models.TextField(choices=[('function_calling', 'Function calling'), ('streaming', 'Streaming'), ('vision', 'Vision input'), ('json_mode', 'JSON mode'), ('structured_outputs', 'Structured outputs'), ('reasoning', 'Reasoning'), ('prompt_caching', 'Prompt caching'), ('batch', 'Batch API'), ('fine_tuning', 'Fine-tuning'), ('web_search', 'Web search'), ('code_execution', 'Code execution'), ('embeddings', 'Embeddings'), ('image_generation', 'Image generation'), ('speech_to_text', 'Speech to text'), ('text_to_speech', 'Text to speech')]), blank=True, db_default=models.Value('{}'), default=list, size=None)),
                ('metadata', models.JSONField(blank=True, db_default=models.Value({}, models.JSONField()), default=dict)),
                ('created_at', models.DateTimeField(db_default=django.contrib.postgres.functions.TransactionNow(), editable=False)),
                ('updated_at', models.DateTimeField(db_default=django.contrib.postgres.functions.TransactionNow(), editable=False)),
                ('maker', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='canonical_models', to='catalog.provider')),
                ('successor', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='predecessors', to='catalog.canonicalmodel')),
            ],
            options={
                'verbose_name': 'canonical model',
                'db_table': 'canonical_models',
                'ordering': ['slug'],
            },
        ),
        migrations.AddField(
            model_name='aimodel',
            name='canonical_model',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='offers', to='catalog.canonicalmodel'),
        ),
        migrations.AddIndex(
            model_name='aimodel',
            index=models.Index(fields=['canonical_model'], name='idx_models_canonical'),
        ),
        migrations.AddIndex(
            model_name='sourcedisagreement',
            index=models.Index(models.OrderBy(models.F('impact'), descending=True), models.OrderBy(models.F('opened_at'), descending=True), condition=models.Q(('status', 'open')), name='idx_disagreements_queue'),
        ),
        migrations.AddConstraint(
            model_name='sourcedisagreement',
            constraint=models.UniqueConstraint(condition=models.Q(('status__in', ['open', 'resolved'])), fields=('subject', 'target_id', 'field'), name='idx_disagreements_current'),
        ),
        migrations.AddIndex(
            model_name='sourceimport',
            index=models.Index(models.F('source'), models.OrderBy(models.F('started_at'), descending=True), name='idx_source_imports_recent'),
        ),
        migrations.AddField(
            model_name='sourcemapping',
            name='canonical_model',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='catalog.canonicalmodel'),
        ),
        migrations.AddField(
            model_name='sourcemapping',
            name='model',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='catalog.aimodel'),
        ),
        migrations.AddField(
            model_name='sourcemapping',
            name='provider',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='catalog.provider'),
        ),
        migrations.AddField(
            model_name='sourceobservation',
            name='source_import',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='observations', to='catalog.sourceimport'),
        ),
        migrations.AddIndex(
            model_name='sourcevalue',
            index=models.Index(fields=['target_id', 'field'], name='idx_source_values_target'),
        ),
        migrations.AddConstraint(
            model_name='sourcevalue',
            constraint=models.UniqueConstraint(fields=('source', 'subject', 'source_key', 'field'), name='idx_source_values_key'),
        ),
        migrations.AddIndex(
            model_name='canonicalmodel',
            index=models.Index(fields=['maker'], name='idx_canonical_models_maker'),
        ),
        migrations.AddIndex(
            model_name='canonicalmodel',
            index=models.Index(models.OrderBy(models.F('released_at'), descending=True, nulls_last=True), name='idx_canonical_models_released'),
        ),
        migrations.AddIndex(
            model_name='canonicalmodel',
            index=models.Index(condition=models.Q(('sunset_at__isnull', False)), fields=['sunset_at'], name='idx_canonical_models_sunset'),
        ),
        migrations.AddConstraint(
            model_name='canonicalmodel',
            constraint=models.UniqueConstraint(fields=('slug',), name='idx_canonical_models_slug'),
        ),
        migrations.AddConstraint(
            model_name='canonicalmodel',
            constraint=models.UniqueConstraint(fields=('key',), name='idx_canonical_models_key'),
        ),
        migrations.AddConstraint(
            model_name='canonicalmodel',
            constraint=models.CheckConstraint(condition=models.Q(('name__has_key', 'en-US')), name='canonical_models_name_has_en_us', violation_error_message='The model needs an en-US name.'),
        ),
        migrations.AddConstraint(
            model_name='canonicalmodel',
            constraint=models.CheckConstraint(condition=models.Q(('context_window__isnull', True), ('context_window__gt', 0), _connector='OR'), name='canonical_models_context_positive', violation_error_message='Context must be positive.'),
        ),
        migrations.AddConstraint(
            model_name='canonicalmodel',
            constraint=models.CheckConstraint(condition=models.Q(('max_output_tokens__isnull', True), ('max_output_tokens__gt', 0), _connector='OR'), name='canonical_models_output_positive', violation_error_message='Max output must be positive.'),
        ),
        migrations.AddConstraint(
            model_name='canonicalmodel',
            constraint=models.CheckConstraint(condition=models.Q(('parameter_count__isnull', True), ('parameter_count__gt', 0), _connector='OR'), name='canonical_models_parameters_positive', violation_error_message='Parameters must be positive.'),
        ),
        migrations.AddConstraint(
            model_name='canonicalmodel',
            constraint=models.CheckConstraint(condition=models.Q(('deprecated_at__isnull', True), ('released_at__isnull', True), ('deprecated_at__gte', models.F('released_at')), _connector='OR'), name='canonical_models_deprecated_after_release', violation_error_message='A model cannot be deprecated before it is released.'),
        ),
        migrations.AddConstraint(
            model_name='canonicalmodel',
            constraint=models.CheckConstraint(condition=models.Q(('sunset_at__isnull', True), ('released_at__isnull', True), ('sunset_at__gte', models.F('released_at')), _connector='OR'), name='canonical_models_sunset_after_release', violation_error_message='A model cannot be retired before it is released.'),
        ),
        migrations.AddConstraint(
            model_name='canonicalmodel',
            constraint=models.CheckConstraint(condition=models.Q(('successor', models.F('id')), _negated=True), name='canonical_models_not_its_own_successor', violation_error_message='A model cannot succeed itself.'),
        ),
        migrations.AddConstraint(
            model_name='sourcemapping',
            constraint=models.UniqueConstraint(fields=('source', 'subject', 'source_key'), name='idx_source_mappings_key'),
        ),
        migrations.AddConstraint(
            model_name='sourcemapping',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('canonical_model__isnull', True), ('model__isnull', True), ('provider__isnull', False), ('subject', 'provider')), models.Q(('canonical_model__isnull', True), ('model__isnull', False), ('provider__isnull', True), ('subject', 'offer')), models.Q(('canonical_model__isnull', False), ('model__isnull', True), ('provider__isnull', True), ('subject', 'canonical')), _connector='OR'), name='source_mappings_one_target', violation_error_message='Map a provider id to a provider, a model id to a model, a canonical key to a canonical model.'),
        ),
        migrations.AddIndex(
            model_name='sourceobservation',
            index=models.Index(models.F('source'), models.F('subject'), models.F('source_key'), models.F('field'), models.OrderBy(models.F('observed_at'), descending=True), name='idx_observations_key'),
        ),
        migrations.RunSQL(TRIGGERS, reverse_sql=TRIGGERS_REVERSE),
        migrations.RunPython(observations_append_only, observations_writable),
        migrations.RunPython(editors_edit_sources, editors_do_not),
    ]
