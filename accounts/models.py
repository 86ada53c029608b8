"""Accounts and security tables, named as the seed (Security & Compliance)."""

import uuid

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.functions import RandomUUID, TransactionNow
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q, Value

from aigo.fields import region_choices
from aigo.i18n import locale_choices

currency_code = RegexValidator(r"^[A-Z]{3}$", "Use a three-letter upper-case ISO 4217 code, e.g. USD.")


class UserPreference(models.Model):
    """A visitor's choices, keyed by an anonymous identifier (cookie).

    Row-level security (migration 0001): a row is visible and writable only while
    `app.current_user` (set per request, transaction-local) equals its user_identifier.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, db_default=RandomUUID(), editable=False)
    user_identifier = models.CharField(max_length=100)
    preferred_locale = models.CharField(max_length=10, choices=locale_choices, default="en-US", db_default="en-US")
    preferred_region = models.CharField(max_length=20, choices=region_choices, null=True, blank=True)
    preferred_currency = models.CharField(max_length=3, default="USD", db_default="USD", validators=[currency_code])
    favorite_models = ArrayField(models.UUIDField(), default=list, db_default=Value("{}"), blank=True)
    display_preferences = models.JSONField(default=dict, db_default=Value({}, models.JSONField()), blank=True)
    created_at = models.DateTimeField(db_default=TransactionNow(), editable=False)
    updated_at = models.DateTimeField(db_default=TransactionNow(), editable=False)

    class Meta:
        db_table = "user_preferences"
        constraints = [
            # Also the seed's idx_user_prefs_identifier lookup.
            models.UniqueConstraint(fields=["user_identifier"], name="idx_user_prefs_identifier"),
            models.CheckConstraint(
                condition=Q(preferred_currency__regex=r"^[A-Z]{3}$"),
                name="user_preferences_currency_iso",
                violation_error_message="Currency must be a three-letter upper-case ISO 4217 code.",
            ),
        ]

    def __str__(self) -> str:
        return self.user_identifier
