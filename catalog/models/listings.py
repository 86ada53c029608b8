"""ModelListing: the unmanaged model over the `model_listings` materialized view."""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchVectorField
from django.db import models

from .providers import Provider


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
