"""Providers: the companies offering models, and the regions they serve."""

from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Value

from aigo.fields import RegionListField, created_at_field, json_map_field, updated_at_field, uuid_primary_key


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
