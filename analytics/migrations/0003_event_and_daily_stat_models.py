"""analytics_events and daily_stats as unmanaged models, for reads through the ORM: state only,
no DDL (0001 and 0002 made them)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('analytics', '0002_daily_stats'),
    ]

    operations = [
        migrations.CreateModel(
            name='AnalyticsEvent',
            fields=[
                ('id', models.UUIDField(primary_key=True, serialize=False)),
                ('timestamp', models.DateTimeField()),
                ('session_id', models.CharField(max_length=100, null=True)),
                ('event_type', models.CharField(max_length=50)),
                ('event_properties', models.JSONField(null=True)),
                ('user_properties', models.JSONField(null=True)),
                ('device_properties', models.JSONField(null=True)),
                ('geo_properties', models.JSONField(null=True)),
                ('referrer_properties', models.JSONField(null=True)),
            ],
            options={
                'db_table': 'analytics_events',
                'managed': False,
                'default_permissions': (),
            },
        ),
        migrations.CreateModel(
            name='DailyStat',
            fields=[
                ('pk', models.CompositePrimaryKey('day', 'event_type', blank=True, editable=False, primary_key=True, serialize=False)),
                ('day', models.DateTimeField()),
                ('event_type', models.CharField(max_length=50)),
                ('event_count', models.BigIntegerField()),
                ('unique_sessions', models.BigIntegerField()),
                ('model_views', models.JSONField(null=True)),
            ],
            options={
                'db_table': 'daily_stats',
                'managed': False,
                'default_permissions': (),
            },
        ),
    ]
