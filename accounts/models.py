"""Accounts and security tables, named as the seed (Security & Compliance)."""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q, Value

from aigo.fields import (
    created_at_field,
    currency_code,
    json_map_field,
    region_choices,
    updated_at_field,
    uuid_primary_key,
)
from aigo.i18n import locale_choices


class UserPreference(models.Model):
    """A visitor's choices, keyed by an anonymous identifier (cookie).

    Row-level security (migration 0001): a row is visible and writable only while
    `app.current_user` (set per request, transaction-local) equals its user_identifier.
    """

    id = uuid_primary_key()
    user_identifier = models.CharField(max_length=100)
    preferred_locale = models.CharField(max_length=10, choices=locale_choices, default="en-US", db_default="en-US")
    preferred_region = models.CharField(max_length=20, choices=region_choices, null=True, blank=True)
    preferred_currency = models.CharField(max_length=3, default="USD", db_default="USD", validators=[currency_code])
    favorite_models = ArrayField(models.UUIDField(), default=list, db_default=Value("{}"), blank=True)
    display_preferences = json_map_field()
    created_at = created_at_field()
    updated_at = updated_at_field()

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


# API key scopes (accounts.keys.SCOPES). Adding one needs a migration: api_keys_scopes_known lists them.
API_KEY_SCOPES = [
    ("read:catalog", "Read the catalog"),
    ("write:catalog", "Write the catalog"),
    ("read:status", "Read status"),
    ("write:status", "Write status measurements"),
    ("read:analytics", "Read analytics"),
    ("write:webhooks", "Register webhooks"),
]


class ApiKey(models.Model):
    """An API client's key, `aigo_<public_id>_<secret>` (accounts/keys.py).

    The seed's api_keys, adapted (DESIGN.md, Security): the row holds the public id and the hex
    SHA-256 of the 256-bit secret in the seed's `key_hash` column, never the key, so checking a
    key is one lookup by the unique public id instead of a bcrypt comparison with every row.
    verify_api_key() (migration 0002) does the same check in SQL.
    """

    id = uuid_primary_key()
    public_id = models.CharField(max_length=24, editable=False)
    key_hash = models.CharField(max_length=64, editable=False, help_text="Hex SHA-256 of the key's secret part.")
    user_identifier = models.CharField(
        max_length=100, null=True, blank=True, help_text="Whose key this is: a person, team or probe network."
    )
    name = models.CharField(max_length=100)
    scopes = ArrayField(models.TextField(choices=API_KEY_SCOPES), default=list, db_default=Value("{}"))
    rate_limit = models.IntegerField(default=1000, db_default=1000, help_text="Requests per hour.")
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: no expiry (rotation still replaces it).")
    created_at = created_at_field()
    is_active = models.BooleanField(default=True, db_default=True)
    # Rotation (accounts.tasks.rotate_api_keys): the old key points at its successor and stays
    # valid until its expires_at (the grace period). The foreign key is made by migration 0002,
    # with ON DELETE SET NULL in the database too.
    replaced_by = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_constraint=False,
        related_name="replaces",
        editable=False,
    )
    rotated_at = models.DateTimeField(null=True, blank=True, editable=False)
    # A rotated-in key's full key, pgp_sym_encrypt()ed with a passphrase derived from
    # SECRET_KEY, until an admin reveals it once (which wipes it).
    one_time_key = models.BinaryField(null=True, editable=False)

    class Meta:
        db_table = "api_keys"
        verbose_name = "API key"
        ordering = ["-created_at"]
        # No index for the daily rotation and expiry scans: a few thousand rows at most.
        constraints = [
            # Every verification: WHERE public_id = ...
            models.UniqueConstraint(fields=["public_id"], name="idx_api_keys_public_id"),
            models.CheckConstraint(
                condition=Q(public_id__regex=r"^[0-9a-f]{16}$"),
                name="api_keys_public_id_format",
                violation_error_message="The public id is 16 lower-case hex digits.",
            ),
            models.CheckConstraint(
                condition=Q(key_hash__regex=r"^[0-9a-f]{64}$"),
                name="api_keys_key_hash_sha256_hex",
                violation_error_message="key_hash holds a hex SHA-256 digest.",
            ),
            models.CheckConstraint(
                condition=Q(rate_limit__gt=0),
                name="api_keys_rate_limit_positive",
                violation_error_message="The rate limit must be a positive number of requests per hour.",
            ),
            models.CheckConstraint(
                condition=Q(scopes__contained_by=[scope for scope, _label in API_KEY_SCOPES]),
                name="api_keys_scopes_known",
                violation_error_message="Unknown scope.",
            ),
            models.CheckConstraint(
                condition=~Q(replaced_by=models.F("id")),
                name="api_keys_not_replaced_by_itself",
                violation_error_message="A key cannot replace itself.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.public_id})"


class FeatureFlag(models.Model):
    """A feature switched on or off for one region. PostgreSQL holds the truth; the seed's
    `features:{region}` Redis hashes are the fast copy read on every request (accounts.features)."""

    region = models.CharField(max_length=20, choices=region_choices)
    name = models.SlugField(max_length=50, db_index=False, help_text="e.g. news_section")
    enabled = models.BooleanField(default=False, db_default=False)
    updated_at = updated_at_field()

    class Meta:
        db_table = "feature_flags"
        ordering = ["name", "region"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="feature_flags_region_name_key")]

    def __str__(self) -> str:
        return f"{self.name} @ {self.region}: {'on' if self.enabled else 'off'}"
