"""Incidents, as the seed, with a public timeline of updates."""

from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from aigo.fields import (
    ChoiceArrayField,
    NumericField,
    created_at_field,
    json_map_field,
    region_choices,
    updated_at_field,
    uuid_primary_key,
)
from catalog.models import AIModel, Provider

SEVERITIES = [("minor", _("Minor")), ("major", _("Major")), ("critical", _("Critical"))]
STATUSES = [
    ("investigating", _("Investigating")),
    ("identified", _("Identified")),
    ("monitoring", _("Monitoring")),
    ("resolved", _("Resolved")),
]
STATUS_ORDER = [value for value, _label in STATUSES]


class Incident(models.Model):
    id = uuid_primary_key()
    model = models.ForeignKey(
        AIModel, on_delete=models.SET_NULL, null=True, blank=True, related_name="incidents", db_index=False
    )
    provider = models.ForeignKey(
        Provider, on_delete=models.SET_NULL, null=True, blank=True, related_name="incidents", db_index=False
    )
    regions = ChoiceArrayField(
        models.TextField(choices=region_choices), default=list, db_default=Value("{}"), blank=True
    )
    severity = models.CharField(max_length=20, choices=SEVERITIES)
    status = models.CharField(max_length=20, choices=STATUSES, default="investigating")
    title = models.CharField(max_length=500)
    description = models.TextField(null=True, blank=True)
    impact_description = models.TextField(null=True, blank=True)
    started_at = models.DateTimeField()
    identified_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    postmortem_url = models.URLField(max_length=500, null=True, blank=True)
    metadata = json_map_field()
    created_at = created_at_field()
    updated_at = updated_at_field()

    class Meta:
        db_table = "incidents"
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="resolved", resolved_at__isnull=False)
                | (~Q(status="resolved") & Q(resolved_at__isnull=True)),
                name="incidents_resolved_at_iff_resolved",
                violation_error_message="A resolved incident has a resolution time, and only a resolved one.",
            ),
            models.CheckConstraint(
                condition=Q(identified_at__isnull=True) | Q(identified_at__gte=F("started_at")),
                name="incidents_identified_after_start",
                violation_error_message="An incident cannot be identified before it started.",
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | Q(resolved_at__gte=F("started_at")),
                name="incidents_resolved_after_start",
                violation_error_message="An incident cannot be resolved before it started.",
            ),
        ]
        indexes = [
            models.Index(fields=["model"], name="idx_incidents_model"),
            models.Index(fields=["provider"], name="idx_incidents_provider"),
            # newest first on status pages
            models.Index(fields=["-started_at"], name="idx_incidents_time"),
            # active incidents: WHERE status <> 'resolved'
            models.Index(fields=["status"], name="idx_incidents_status", condition=~Q(status="resolved")),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_active(self) -> bool:
        return self.status != "resolved"


class IncidentUpdate(models.Model):
    """One entry of an incident's public timeline."""

    id = uuid_primary_key()
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="updates", db_index=False)
    status = models.CharField(max_length=20, choices=STATUSES)
    message = models.TextField()
    author = models.CharField(max_length=150, blank=True, default="")
    # Statement time, not transaction time: entries written in one transaction keep their order.
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        db_table = "incident_updates"
        ordering = ["created_at"]
        indexes = [models.Index(fields=["incident", "created_at"], name="idx_incident_updates_timeline")]

    def __str__(self) -> str:
        return f"{self.status}: {self.message[:60]}"


class _Rollup(models.Model):
    """A status_probes rollup, read only: a continuous aggregate with TimescaleDB, a table kept by
    status.rollups without (status/migrations/0001_status_probes.py). One row per (model, region,
    bucket), as the native table's primary key says; its columns carry the seed's names."""

    pk = models.CompositePrimaryKey("model_id", "region", "bucket")
    bucket = models.DateTimeField()
    # No constraint: rows outlive a deleted model until retention drops them.
    model = models.ForeignKey(AIModel, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    region = models.CharField(max_length=20)
    avg_availability = NumericField(null=True)
    avg_error_rate = NumericField(null=True)
    total_requests = models.BigIntegerField(null=True)
    total_tokens = NumericField(null=True)

    class Meta:
        abstract = True
        managed = False
        default_permissions = ()


class FiveMinuteRollup(_Rollup):
    avg_latency_p50 = NumericField(null=True)
    avg_latency_p95 = NumericField(null=True)
    avg_latency_p99 = NumericField(null=True)
    probe_count = models.BigIntegerField()

    class Meta(_Rollup.Meta):
        db_table = "status_5min"


class HourlyRollup(_Rollup):
    min_availability = NumericField(null=True)
    median_latency_p95 = models.FloatField(null=True)
    max_latency_p95 = models.IntegerField(null=True)

    class Meta(_Rollup.Meta):
        db_table = "status_hourly"
