"""catalog_changes: the typed change events (written by triggers and by catalog.changes; migration
0009 made the table, partitioned by month, so Django only reads it)."""

from django.db import models

EVENT_TYPES = [
    "model.created",
    "model.updated",
    "model.deprecated",
    "model.retiring",
    "model.retired",
    "price.changed",
    "price.scheduled",
    "benchmark.scored",
    "incident.opened",
    "incident.updated",
    "incident.resolved",
    "status.degraded",
    "status.recovered",
    "news.published",
]


class ChangeEvent(models.Model):
    pk = models.CompositePrimaryKey("id", "occurred_at")
    id = models.BigIntegerField()  # monotonic (an identity); the feed's cursor
    occurred_at = models.DateTimeField()
    type = models.CharField(max_length=40)
    subject_kind = models.CharField(max_length=20)  # model, incident or article
    subject = models.CharField(max_length=200)  # its slug (an incident's id)
    model = models.CharField(max_length=100, null=True)  # the model's slug, when about one
    provider = models.CharField(max_length=100, null=True)
    payload = models.JSONField()  # before / after, and what the type adds
    source = models.JSONField()  # kind (editor, api, importer, detector, system), actor, data

    class Meta:
        managed = False
        db_table = "catalog_changes"
        default_permissions = ()
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.type} {self.subject}"
