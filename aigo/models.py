from django.contrib.postgres.functions import TransactionNow
from django.db import models
from django.db.models.functions import Now


class PeriodicTaskRun(models.Model):
    """The last run of each periodic task, written by Celery signals (see aigo/ops/task_runs.py).

    Kept in PostgreSQL, not Redis, so `periodic list` and the health page survive a Redis
    restart.
    """

    task = models.CharField(max_length=200, primary_key=True)
    last_started_at = models.DateTimeField(null=True)
    last_finished_at = models.DateTimeField(null=True)
    last_status = models.CharField(max_length=20, default="never", db_default="never")
    last_error = models.TextField(blank=True, default="", db_default="")
    last_duration_ms = models.IntegerField(null=True)
    runs = models.BigIntegerField(default=0, db_default=0)
    updated_at = models.DateTimeField(db_default=TransactionNow())

    class Meta:
        db_table = "periodic_task_runs"

    def __str__(self) -> str:
        return f"{self.task}: {self.last_status}"


class SlowQuery(models.Model):
    """A statement that ran slowly on average during one capture period (aigo.db.health), the
    seed's slow_query_log with the statement's queryid and call count added."""

    timestamp = models.DateTimeField(db_default=Now())
    duration_ms = models.IntegerField(null=True)  # mean execution time over the period
    query = models.TextField(null=True)
    query_plan = models.JSONField(null=True)
    user_name = models.CharField(max_length=100, null=True)
    database_name = models.CharField(max_length=100, null=True)
    application_name = models.CharField(max_length=100, null=True)  # pg_stat_statements does not know it
    queryid = models.BigIntegerField(null=True)
    calls = models.BigIntegerField(null=True)

    class Meta:
        db_table = "slow_query_log"
        indexes = [
            # The admin's newest slow queries and the retention delete.
            models.Index(models.F("timestamp").desc(), name="slow_query_log_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.duration_ms} ms: {(self.query or '')[:60]}"


class DatabaseHealth(SlowQuery):
    """No data of its own: the admin's "Database health" page (aigo.admin), listed on the admin
    index, for superusers and staff given its view permission."""

    class Meta:
        proxy = True
        verbose_name = verbose_name_plural = "database health"
