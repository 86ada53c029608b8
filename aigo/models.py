from django.contrib.postgres.functions import TransactionNow
from django.db import models


class PeriodicTaskRun(models.Model):
    """The last run of each periodic task, written by Celery signals (see aigo/signals.py).

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
