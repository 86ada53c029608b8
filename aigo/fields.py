"""Model fields shared by the apps: the seed's column conventions (UUID keys, timestamps,
JSON maps, currency codes) and arrays and region lists edited as checkboxes in the admin."""

import uuid

from django import forms
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.functions import RandomUUID, TransactionNow
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Value

currency_code = RegexValidator(r"^[A-Z]{3}$", "Use a three-letter upper-case ISO 4217 code, e.g. USD.")


def uuid_primary_key() -> models.UUIDField:
    # Django fills the key itself (one round trip, works with bulk_create); raw SQL inserts
    # get the same from the database default.
    return models.UUIDField(primary_key=True, default=uuid.uuid4, db_default=RandomUUID(), editable=False)


def created_at_field() -> models.DateTimeField:
    return models.DateTimeField(db_default=TransactionNow(), editable=False)


def updated_at_field() -> models.DateTimeField:
    # Maintained by the set_updated_at() trigger; Python never writes it.
    return models.DateTimeField(db_default=TransactionNow(), editable=False)


def json_map_field() -> models.JSONField:
    """JSONB DEFAULT '{}' (the seed's metadata columns)."""
    return models.JSONField(default=dict, db_default=Value({}, models.JSONField()), blank=True)


def region_choices() -> list[tuple[str, str]]:
    return [(region, region) for region in settings.AIGO_REGIONS]


class ChoiceArrayField(ArrayField):
    """TEXT[] restricted to the base field's choices, edited as a list of checkboxes."""

    def formfield(self, **kwargs):
        defaults = {
            "form_class": forms.TypedMultipleChoiceField,
            "choices": self.base_field.choices,
            "coerce": str,
            "widget": forms.CheckboxSelectMultiple,
        }
        return models.Field.formfield(self, **{**defaults, **kwargs})


class RegionListField(models.JSONField):
    """JSONB list of region codes (the seed's providers.regions), each one of AIGO_REGIONS."""

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ValidationError('Expected a list of region codes, e.g. ["us-east", "eu-west"].', code="invalid")
        unknown = sorted(set(value) - set(settings.AIGO_REGIONS))
        if unknown:
            raise ValidationError(
                "Unknown region %(unknown)s. Known regions: %(known)s.",
                code="unknown_region",
                params={"unknown": ", ".join(unknown), "known": ", ".join(settings.AIGO_REGIONS)},
            )
        if len(set(value)) != len(value):
            raise ValidationError("A region is listed twice.", code="duplicate_region")

    def formfield(self, **kwargs):
        defaults = {
            "form_class": forms.TypedMultipleChoiceField,
            "choices": region_choices,
            "coerce": str,
            "widget": forms.CheckboxSelectMultiple,
        }
        for unused in ("encoder", "decoder"):
            kwargs.pop(unused, None)
        return models.Field.formfield(self, **{**defaults, **kwargs})


class NumericField(models.DecimalField):
    """PostgreSQL NUMERIC without precision or scale, as AVG() and SUM() of the probes give it.

    Read only: the digit checks exist for writes, which these columns never get from Django."""

    def check(self, **kwargs):
        return models.Field.check(self, **kwargs)

    def db_type(self, connection) -> str:
        return "numeric"
