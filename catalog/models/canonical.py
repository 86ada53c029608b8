"""Canonical models: the thing a maker releases ("Claude Sonnet 4.5"), which many providers offer.

Each `models` row is one provider's offer and points here. A canonical model is made by the
source import from the sources' maker and base ids (catalog.sources.identity), and editors merge
and split them in the admin; its facts (release, retirement, limits, licence) are resolved from
every source's value by the policy in docs/data.md.
"""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q, Value

from aigo.fields import ChoiceArrayField, created_at_field, json_map_field, updated_at_field, uuid_primary_key
from aigo.i18n import LocalizedField, resolve

from .. import choices
from .constraints import EN, null_or
from .providers import Provider


class CanonicalModel(models.Model):
    id = uuid_primary_key()
    # "anthropic/claude-sonnet-4-5": the maker and base id every source's name of it reduces to.
    key = models.CharField(max_length=200, db_index=False, editable=False)
    slug = models.SlugField(max_length=100, db_index=False)
    name = LocalizedField(required_locales=EN)
    description = LocalizedField(null=True, blank=True, long_text=True)
    maker = models.ForeignKey(
        Provider, on_delete=models.SET_NULL, null=True, blank=True, related_name="canonical_models", db_index=False
    )
    family = models.CharField(max_length=100, null=True, blank=True)
    released_at = models.DateField(null=True, blank=True)
    deprecated_at = models.DateField(null=True, blank=True, help_text="The day the deprecation was announced.")
    sunset_at = models.DateField(null=True, blank=True, help_text="The day it stops working (retirement).")
    successor = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="predecessors", db_index=False
    )
    training_cutoff = models.DateField(null=True, blank=True)
    open_weights = models.BooleanField(null=True, blank=True)
    license = models.CharField(max_length=100, null=True, blank=True)
    parameter_count = models.BigIntegerField(null=True, blank=True, validators=[MinValueValidator(1)])
    context_window = models.IntegerField(null=True, blank=True, validators=[MinValueValidator(1)])
    max_output_tokens = models.IntegerField(null=True, blank=True, validators=[MinValueValidator(1)])
    modalities = ChoiceArrayField(
        models.TextField(choices=choices.MODALITIES), default=list, db_default=Value("{}"), blank=True
    )
    capabilities = ChoiceArrayField(
        models.TextField(choices=choices.CAPABILITIES), default=list, db_default=Value("{}"), blank=True
    )
    # "resolved": the values the import last wrote (a field holding another value is an editor's);
    # "aliases": keys of canonical models merged into this one.
    metadata = json_map_field()
    created_at = created_at_field()
    updated_at = updated_at_field()

    class Meta:
        db_table = "canonical_models"
        verbose_name = "canonical model"
        ordering = ["slug"]
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="idx_canonical_models_slug"),
            models.UniqueConstraint(fields=["key"], name="idx_canonical_models_key"),
            models.CheckConstraint(
                condition=Q(name__has_key="en-US"),
                name="canonical_models_name_has_en_us",
                violation_error_message="The model needs an en-US name.",
            ),
            null_or("context_window", "canonical_models_context_positive", "Context must be positive.", gt=0),
            null_or("max_output_tokens", "canonical_models_output_positive", "Max output must be positive.", gt=0),
            null_or("parameter_count", "canonical_models_parameters_positive", "Parameters must be positive.", gt=0),
            models.CheckConstraint(
                condition=Q(deprecated_at__isnull=True)
                | Q(released_at__isnull=True)
                | Q(deprecated_at__gte=F("released_at")),
                name="canonical_models_deprecated_after_release",
                violation_error_message="A model cannot be deprecated before it is released.",
            ),
            models.CheckConstraint(
                condition=Q(sunset_at__isnull=True) | Q(released_at__isnull=True) | Q(sunset_at__gte=F("released_at")),
                name="canonical_models_sunset_after_release",
                violation_error_message="A model cannot be retired before it is released.",
            ),
            models.CheckConstraint(
                condition=~Q(successor=F("id")),
                name="canonical_models_not_its_own_successor",
                violation_error_message="A model cannot succeed itself.",
            ),
        ]
        indexes = [
            # a maker's models (provider pages)
            models.Index(fields=["maker"], name="idx_canonical_models_maker"),
            # the catalog sorted newest first; the lifecycle page's recent releases
            models.Index(F("released_at").desc(nulls_last=True), name="idx_canonical_models_released"),
            # the lifecycle page's upcoming retirements
            models.Index(
                fields=["sunset_at"], name="idx_canonical_models_sunset", condition=Q(sunset_at__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return self.display_name()

    def display_name(self, locale: str | None = None) -> str:
        return resolve(self.name, locale) or self.slug
