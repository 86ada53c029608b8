"""What each source says, and how it reaches the catalog (catalog.sources, docs/data.md).

- `source_imports`: one row per run of a source's import, with what it found and changed.
- `source_observations`: append-only history of every value a source stated, a new row only when
  the source's value changes (NULL: the source stopped stating it). The app role may not update
  or delete it.
- `source_values`: each source's current value per key and field, the newest observation, with
  when an import last saw it and the catalog row it maps to: what provenance reads.
- `source_mappings`: which catalog row a source's provider or model id is, written by the import's
  automatic rules or by an editor (the editor's always win).
- `source_disagreements`: the review queue, values of one field that sources give beyond
  tolerance, and an editor's decision on it.
"""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Now

from aigo.fields import created_at_field, updated_at_field, uuid_primary_key

from .ai_models import AIModel
from .canonical import CanonicalModel
from .providers import Provider

SUBJECTS = [
    ("provider", "provider"),
    ("offer", "model offer"),
    ("canonical", "canonical model"),
    ("price", "price"),
    ("benchmark", "benchmark"),
    ("score", "score"),
]
SOURCE_NAME_LENGTH = 50
SOURCE_KEY_LENGTH = 300


def _source() -> models.CharField:
    return models.CharField(max_length=SOURCE_NAME_LENGTH)


def _key() -> models.CharField:
    return models.CharField(max_length=SOURCE_KEY_LENGTH)


class SourceImport(models.Model):
    source = _source()
    version = models.CharField(max_length=100)
    snapshot_date = models.DateField(null=True, blank=True)
    started_at = models.DateTimeField(db_default=Now())
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, default="running")  # running, done, failed
    counts = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True, default="")

    class Meta:
        db_table = "source_imports"
        default_permissions = ("view",)  # written by the import alone
        ordering = ["-started_at"]
        indexes = [
            # the last import of each source (data sources page, sources_report)
            models.Index("source", models.F("started_at").desc(), name="idx_source_imports_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.version} ({self.status})"


class SourceObservation(models.Model):
    source = _source()
    subject = models.CharField(max_length=20, choices=SUBJECTS)
    source_key = _key()
    field = models.CharField(max_length=60)
    value = models.JSONField(null=True)  # NULL: no longer stated
    observed_at = models.DateTimeField(db_default=Now())
    source_import = models.ForeignKey(SourceImport, on_delete=models.PROTECT, related_name="observations")

    class Meta:
        db_table = "source_observations"
        default_permissions = ("view",)  # written by the import alone
        ordering = ["-observed_at"]
        indexes = [
            # one key's history per source and field (the admin, provenance's "since")
            models.Index(
                "source", "subject", "source_key", "field", models.F("observed_at").desc(), name="idx_observations_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.subject} {self.source_key}.{self.field}"


class SourceValue(models.Model):
    source = _source()
    subject = models.CharField(max_length=20, choices=SUBJECTS)
    source_key = _key()
    field = models.CharField(max_length=60)
    value = models.JSONField()
    since = models.DateTimeField()  # when the source first stated this value
    checked_at = models.DateTimeField()  # the last import of the source that saw it
    target_id = models.UUIDField(null=True, blank=True)  # the catalog row the key maps to

    class Meta:
        db_table = "source_values"
        default_permissions = ("view",)  # written by the import alone
        constraints = [
            models.UniqueConstraint(fields=["source", "subject", "source_key", "field"], name="idx_source_values_key"),
        ]
        indexes = [
            # every source's values of one catalog row (provenance, resolution)
            models.Index(fields=["target_id", "field"], name="idx_source_values_target"),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.subject} {self.source_key}.{self.field}"


class SourceMapping(models.Model):
    id = uuid_primary_key()
    source = _source()
    subject = models.CharField(max_length=20, choices=SUBJECTS[:3])
    source_key = _key()
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    model = models.ForeignKey(AIModel, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    canonical_model = models.ForeignKey(
        CanonicalModel, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    rule = models.CharField(max_length=20, default="editor", choices=[("automatic", "automatic"), ("editor", "editor")])
    note = models.TextField(blank=True, default="")
    created_at = created_at_field()
    updated_at = updated_at_field()

    class Meta:
        db_table = "source_mappings"
        constraints = [
            models.UniqueConstraint(fields=["source", "subject", "source_key"], name="idx_source_mappings_key"),
            models.CheckConstraint(
                condition=Q(
                    subject="provider", provider__isnull=False, model__isnull=True, canonical_model__isnull=True
                )
                | Q(subject="offer", provider__isnull=True, model__isnull=False, canonical_model__isnull=True)
                | Q(subject="canonical", provider__isnull=True, model__isnull=True, canonical_model__isnull=False),
                name="source_mappings_one_target",
                violation_error_message="Map a provider id to a provider, a model id to a model, a canonical key "
                "to a canonical model.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.subject} {self.source_key}"


class SourceDisagreement(models.Model):
    id = uuid_primary_key()
    subject = models.CharField(max_length=20, choices=SUBJECTS)
    target_id = models.UUIDField()
    field = models.CharField(max_length=60)
    # {"<source>": {"value": ..., "since": "...", "checked_at": "..."}} as the sources stand
    values = models.JSONField(default=dict)
    status = models.CharField(
        max_length=20,
        default="open",
        choices=[("open", "open"), ("resolved", "resolved"), ("superseded", "superseded")],
    )
    impact = models.FloatField(default=0)  # trending score of the model, so the queue starts where readers are
    opened_at = models.DateTimeField(db_default=Now())
    chosen = models.JSONField(null=True, blank=True)  # the editor's value
    chosen_source = models.CharField(max_length=SOURCE_NAME_LENGTH, blank=True, default="")  # "" = their own
    resolved_by = models.CharField(max_length=150, blank=True, default="")
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "source_disagreements"
        verbose_name = "source disagreement"
        ordering = ["-impact", "-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "target_id", "field"],
                condition=Q(status__in=["open", "resolved"]),
                name="idx_disagreements_current",
            ),
        ]
        indexes = [
            # the review queue: open cases by impact, then the newest
            models.Index(
                models.F("impact").desc(),
                models.F("opened_at").desc(),
                name="idx_disagreements_queue",
                condition=Q(status="open"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} {self.target_id} {self.field} ({self.status})"
