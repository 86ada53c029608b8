"""The analytics tables, read through the ORM; their DDL is in migrations 0001 and 0002 (a
hypertable or daily partitions, and a materialized view), so Django manages neither."""

from django.db import models


class AnalyticsEvent(models.Model):
    # The table has no primary key (see its migration); Django needs one to name rows, and the
    # random id is unique in practice. Nothing reads events by id.
    id = models.UUIDField(primary_key=True)
    timestamp = models.DateTimeField()
    session_id = models.CharField(max_length=100, null=True)
    event_type = models.CharField(max_length=50)
    event_properties = models.JSONField(null=True)
    user_properties = models.JSONField(null=True)
    device_properties = models.JSONField(null=True)
    geo_properties = models.JSONField(null=True)
    referrer_properties = models.JSONField(null=True)

    class Meta:
        managed = False
        db_table = "analytics_events"
        default_permissions = ()


class DailyStat(models.Model):
    """One UTC day and event type of the daily_stats materialized view (refreshed by beat)."""

    pk = models.CompositePrimaryKey("day", "event_type")  # idx_daily_stats, UNIQUE
    day = models.DateTimeField()
    event_type = models.CharField(max_length=50)
    event_count = models.BigIntegerField()
    unique_sessions = models.BigIntegerField()
    model_views = models.JSONField(null=True)  # model id -> views, model_view rows only

    class Meta:
        managed = False
        db_table = "daily_stats"
        default_permissions = ()
