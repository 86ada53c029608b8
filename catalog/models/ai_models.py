"""Models (AIModel, the seed's `models` table) and the regional endpoints that serve them."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q, Value

from aigo.fields import (
    ChoiceArrayField,
    created_at_field,
    json_map_field,
    region_choices,
    updated_at_field,
    uuid_primary_key,
)
from aigo.i18n import LocalizedField, resolve

from .. import choices
from .constraints import EN, null_or
from .providers import Provider


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
    # The released model this is an offer of; the import links it, an editor's choice is pinned
    # (metadata["canonical_pinned"]).
    canonical_model = models.ForeignKey(
        "CanonicalModel", on_delete=models.SET_NULL, null=True, blank=True, related_name="offers", db_index=False
    )
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
            null_or(
                "context_window",
                "models_context_window_positive",
                "Context window must be a positive number of tokens.",
                gt=0,
            ),
            null_or(
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
            # the offers of a canonical model (model page, catalog grouping)
            models.Index(fields=["canonical_model"], name="idx_models_canonical"),
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
