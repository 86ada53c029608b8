"""Price periods of a model: per tier, region and currency, never two for one day."""

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeBoundary, RangeOperators
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce

from aigo.fields import created_at_field, currency_code, json_map_field, region_choices, uuid_primary_key

from .ai_models import AIModel
from .constraints import null_or


class DateRange(models.Func):
    function = "DATERANGE"
    output_field = DateRangeField()


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
            null_or(
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
                null_or(field, f"pricing_{field}_non_negative", "Prices cannot be negative.", gte=0)
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
