"""status_5min and status_hourly as unmanaged models, for reads through the ORM: state only, no
DDL (0001 made them, as continuous aggregates or as tables kept by status.rollups)."""

import aigo.fields
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('status', '0003_incident_foreign_keys'),
    ]

    operations = [
        migrations.CreateModel(
            name='FiveMinuteRollup',
            fields=[
                ('pk', models.CompositePrimaryKey('model_id', 'region', 'bucket', blank=True, editable=False, primary_key=True, serialize=False)),
                ('bucket', models.DateTimeField()),
                ('region', models.CharField(max_length=20)),
                ('avg_availability', aigo.fields.NumericField(null=True)),
                ('avg_error_rate', aigo.fields.NumericField(null=True)),
                ('total_requests', models.BigIntegerField(null=True)),
                ('total_tokens', aigo.fields.NumericField(null=True)),
                ('avg_latency_p50', aigo.fields.NumericField(null=True)),
                ('avg_latency_p95', aigo.fields.NumericField(null=True)),
                ('avg_latency_p99', aigo.fields.NumericField(null=True)),
                ('probe_count', models.BigIntegerField()),
            ],
            options={
                'db_table': 'status_5min',
                'abstract': False,
                'managed': False,
                'default_permissions': (),
            },
        ),
        migrations.CreateModel(
            name='HourlyRollup',
            fields=[
                ('pk', models.CompositePrimaryKey('model_id', 'region', 'bucket', blank=True, editable=False, primary_key=True, serialize=False)),
                ('bucket', models.DateTimeField()),
                ('region', models.CharField(max_length=20)),
                ('avg_availability', aigo.fields.NumericField(null=True)),
                ('avg_error_rate', aigo.fields.NumericField(null=True)),
                ('total_requests', models.BigIntegerField(null=True)),
                ('total_tokens', aigo.fields.NumericField(null=True)),
                ('min_availability', aigo.fields.NumericField(null=True)),
                ('median_latency_p95', models.FloatField(null=True)),
                ('max_latency_p95', models.IntegerField(null=True)),
            ],
            options={
                'db_table': 'status_hourly',
                'abstract': False,
                'managed': False,
                'default_permissions': (),
            },
        ),
    ]
