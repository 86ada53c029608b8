"""Benchmark suites and the scores models reach on them."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Value

from aigo.fields import created_at_field, json_map_field, uuid_primary_key
from aigo.i18n import LocalizedField

from .. import choices
from .ai_models import AIModel
from .constraints import null_or


class BenchmarkSuite(models.Model):
    id = uuid_primary_key()
    slug = models.SlugField(max_length=50, db_index=False)
    name = models.CharField(max_length=100)
    description = LocalizedField(null=True, blank=True, long_text=True)
    category = models.CharField(max_length=50, choices=choices.BENCHMARK_CATEGORIES, null=True, blank=True)
    version = models.CharField(max_length=20, null=True, blank=True)
    evaluation_type = models.CharField(max_length=50, choices=choices.EVALUATION_TYPES, null=True, blank=True)
    max_score = models.DecimalField(
        max_digits=10, decimal_places=4, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    scoring_method = models.CharField(max_length=50, choices=choices.SCORING_METHODS, null=True, blank=True)
    metadata = json_map_field()
    created_at = created_at_field()

    class Meta:
        db_table = "benchmark_suites"
        verbose_name = "benchmark suite"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="idx_benchmarks_slug"),
            null_or("max_score", "benchmark_suites_max_score_positive", "Max score must be positive.", gt=0),
        ]
        indexes = [
            # leaderboards per category
            models.Index(fields=["category"], name="idx_benchmarks_category"),
        ]

    def __str__(self) -> str:
        return self.name


class BenchmarkScore(models.Model):
    id = uuid_primary_key()
    model = models.ForeignKey(AIModel, on_delete=models.CASCADE, related_name="benchmark_scores", db_index=False)
    suite = models.ForeignKey(BenchmarkSuite, on_delete=models.CASCADE, related_name="scores", db_index=False)
    score_raw = models.DecimalField(max_digits=10, decimal_places=4)
    score_normalized = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="0–100 scale.",
    )
    percentile = models.IntegerField(null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(100)])
    evaluation_date = models.DateField()
    evaluation_commit = models.CharField(max_length=100, null=True, blank=True)
    configuration = models.JSONField(default=dict, db_default=Value({}, models.JSONField()), blank=True)
    notes = models.TextField(null=True, blank=True)
    is_official = models.BooleanField(default=False, db_default=False)
    # Where the score comes from: "editor", or the source that published it (catalog.sources).
    source = models.CharField(max_length=50, default="editor", db_default="editor")
    source_url = models.URLField(max_length=500, null=True, blank=True, help_text="Where the score was published.")
    method = models.CharField(max_length=200, null=True, blank=True, help_text='How it was run, e.g. "0-shot CoT".')
    is_self_reported = models.BooleanField(null=True, blank=True, help_text="Published by the model's maker.")
    is_verified = models.BooleanField(default=False, db_default=False, help_text="Reproduced independently.")
    created_at = created_at_field()

    class Meta:
        db_table = "benchmark_scores"
        verbose_name = "benchmark score"
        ordering = ["-evaluation_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["model", "suite", "evaluation_date"],
                name="benchmark_scores_model_id_suite_id_evaluation_date_key",
                violation_error_message="This model already has a score for this suite on that date.",
            ),
            null_or(
                "score_normalized",
                "benchmark_scores_normalized_range",
                "The normalized score must be between 0 and 100.",
                gte=0,
                lte=100,
            ),
            null_or(
                "percentile",
                "benchmark_scores_percentile_range",
                "The percentile must be between 0 and 100.",
                gte=0,
                lte=100,
            ),
        ]
        indexes = [
            models.Index(fields=["model"], name="idx_scores_model"),
            models.Index(fields=["suite"], name="idx_scores_suite"),
            # recent scores first
            models.Index(fields=["-evaluation_date"], name="idx_scores_date"),
        ]

    def __str__(self) -> str:
        return f"{self.suite_id} {self.score_raw} ({self.evaluation_date})"
