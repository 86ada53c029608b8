"""Output serializers of the catalog API. Money is a decimal string, never a float."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from aigo.api.locale import LocalizedTextField
from catalog.models import Pricing
from catalog.provenance import ModelProvenance, Provenance

# Plain Serializers with explicit fields: ModelSerializer introspects the model on every
# instantiation, which costs more than the queries of a detail page.


class ProviderSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    website_url = serializers.URLField(allow_null=True)
    logo_url = serializers.URLField(allow_null=True)
    status_page_url = serializers.URLField(allow_null=True)
    documentation_url = serializers.URLField(allow_null=True)
    regions = serializers.ListField(child=serializers.CharField())
    model_count = serializers.IntegerField()


class ProviderRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


def _money(value) -> str | None:
    return None if value is None else format(value, "f")


class ListingPriceSerializer(serializers.Serializer):
    input_per_million = serializers.DecimalField(max_digits=10, decimal_places=4, allow_null=True)
    output_per_million = serializers.DecimalField(max_digits=10, decimal_places=4, allow_null=True)
    currency = serializers.CharField(source="price_currency", allow_null=True)


class SourceSaysSerializer(serializers.Serializer):
    source = serializers.CharField()
    value = serializers.JSONField(allow_null=True, help_text="What the source says.")


class ProvenanceSerializer(serializers.Serializer):
    """Where one value comes from (catalog.provenance.Provenance.as_dict)."""

    value = serializers.JSONField(allow_null=True, help_text="The value shown.")
    set_by_editor = serializers.BooleanField(help_text="An editor set it, or decided it in the review queue.")
    agree = serializers.ListField(
        child=serializers.CharField(), help_text="Sources that state the value shown (within tolerance)."
    )
    differ = SourceSaysSerializer(many=True, help_text="Sources that state another value, and what they say.")
    checked_at = serializers.DateTimeField(allow_null=True, help_text="When an agreeing source last confirmed it.")
    note = serializers.CharField(help_text="How the value was chosen, or how a price's start was found.")


class SourcesSerializer(serializers.Serializer):
    facts = serializers.DictField(
        child=ProvenanceSerializer(), help_text="The canonical model's facts, by field (empty without one)."
    )
    offer = serializers.DictField(child=ProvenanceSerializer(), help_text="This offer's own fields, by field.")
    prices = serializers.DictField(
        child=serializers.DictField(child=ProvenanceSerializer()),
        help_text="Price id (as in `pricing`) -> price component -> its provenance.",
    )


@extend_schema_field(SourcesSerializer)
class SourcesField(serializers.JSONField):
    """The `sources` block, built by sources_block() (already plain JSON)."""


def provenance_dicts(found: dict[str, Provenance]) -> dict:
    return {name: provenance.as_dict() for name, provenance in found.items()}


def price_sources(provenance: ModelProvenance) -> dict:
    """Price id -> component -> its provenance, as JSON."""
    return {str(price_id): provenance_dicts(components) for price_id, components in provenance.prices.items()}


def sources_block(provenance: ModelProvenance, offer_id) -> dict:
    """A model's `sources`: its canonical model's facts, its own fields and its prices shown."""
    return {
        "facts": provenance_dicts(provenance.facts),
        "offer": provenance_dicts(provenance.offers.get(offer_id, {})),
        "prices": price_sources(provenance),
    }


class ModelListSerializer(serializers.Serializer):
    """A row of model_listings (the materialized view): everything a list page shows."""

    slug = serializers.CharField()
    name = LocalizedTextField()
    provider = serializers.SerializerMethodField()
    foundation_model = serializers.CharField(allow_null=True)
    modalities = serializers.ListField(child=serializers.CharField())
    capabilities = serializers.ListField(child=serializers.CharField())
    context_window = serializers.IntegerField(allow_null=True)
    max_output_tokens = serializers.IntegerField(allow_null=True)
    is_active = serializers.BooleanField()
    released_at = serializers.DateField(allow_null=True)
    deprecated_at = serializers.DateField(allow_null=True)
    sunset_at = serializers.DateField(allow_null=True)
    price = serializers.SerializerMethodField(help_text="Today's standard global price.")
    recent_benchmarks = serializers.JSONField(help_text="Latest score per benchmark suite.")
    # Not required: rows have it only with ?include=sources (json_rows leaves it out otherwise).
    sources = SourcesField(required=False, help_text="Only with ?include=sources.")

    @extend_schema_field(ProviderRefSerializer)
    def get_provider(self, row) -> dict:
        return {"slug": row.provider_slug, "name": row.provider_name, "logo_url": row.provider_logo}

    @extend_schema_field(ListingPriceSerializer(allow_null=True))
    def get_price(self, row) -> dict | None:
        # Built by hand: a nested serializer per row would deep-copy its fields for every row.
        if row.price_currency is None:
            return None
        return {
            "input_per_million": _money(row.input_per_million),
            "output_per_million": _money(row.output_per_million),
            "currency": row.price_currency,
        }


class EndpointSerializer(serializers.Serializer):
    region = serializers.CharField()
    endpoint_url = serializers.URLField()
    priority = serializers.IntegerField()
    is_active = serializers.BooleanField()


def _price_field(help_text: str = ""):
    return serializers.DecimalField(max_digits=10, decimal_places=4, allow_null=True, help_text=help_text)


class PricingSerializer(serializers.Serializer):
    id = serializers.UUIDField(help_text="The key of this price's provenance in `sources.prices`.")
    tier = serializers.CharField()
    region = serializers.CharField(allow_null=True, help_text="null: the global price.")
    currency = serializers.CharField()
    input_per_million = _price_field("Per million input tokens.")
    output_per_million = _price_field("Per million output tokens.")
    image_per_unit = _price_field()
    audio_per_minute = _price_field()
    video_per_minute = _price_field()
    fine_tuning_per_million = _price_field()
    volume_discounts = serializers.JSONField()
    extra_prices = serializers.SerializerMethodField(
        help_text="Prices the schema has no column for (cache reads and writes, reasoning output, searches...)."
    )
    effective_from = serializers.DateField()
    effective_to = serializers.DateField(allow_null=True, help_text="Last day the price applies; null: open.")

    @extend_schema_field(serializers.DictField(child=serializers.CharField()))
    def get_extra_prices(self, row: Pricing) -> dict:
        return row.metadata.get("prices", {})


class ScoreSerializer(serializers.Serializer):
    suite = serializers.CharField(source="suite.slug")
    suite_name = serializers.CharField(source="suite.name")
    category = serializers.CharField(source="suite.category", allow_null=True)
    score_raw = serializers.DecimalField(max_digits=10, decimal_places=4)
    score_normalized = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    percentile = serializers.IntegerField(allow_null=True)
    evaluation_date = serializers.DateField()
    is_official = serializers.BooleanField()


class DocumentationSerializer(serializers.Serializer):
    doc_type = serializers.CharField()
    title = LocalizedTextField()
    url = serializers.URLField()
    locale = serializers.CharField(allow_null=True)
    version = serializers.CharField(allow_null=True)


class ModelDetailSerializer(serializers.Serializer):
    """A model with its endpoints, prices in effect, recent scores and documentation.

    The view puts the selected `prices`, `scores` and `docs` (and `sources`) on the instance.
    """

    slug = serializers.CharField()
    name = LocalizedTextField()
    description = LocalizedTextField()
    provider = ProviderRefSerializer()
    foundation_model = serializers.CharField(allow_null=True)
    modalities = serializers.ListField(child=serializers.CharField())
    capabilities = serializers.ListField(child=serializers.CharField())
    context_window = serializers.IntegerField(allow_null=True)
    max_output_tokens = serializers.IntegerField(allow_null=True)
    training_cutoff = serializers.DateField(allow_null=True)
    api_version = serializers.CharField(allow_null=True)
    is_active = serializers.BooleanField()
    released_at = serializers.DateField(allow_null=True)
    deprecated_at = serializers.DateField(allow_null=True)
    sunset_at = serializers.DateField(allow_null=True)
    endpoints = EndpointSerializer(many=True, source="endpoints.all")
    pricing = PricingSerializer(source="prices", many=True)
    benchmark_scores = ScoreSerializer(source="scores", many=True)
    documentation = DocumentationSerializer(source="docs", many=True)
    canonical_model = serializers.CharField(
        source="canonical_model.slug", allow_null=True, help_text="Slug of the model as its maker releases it."
    )
    # Not required: compare's rows have none.
    sources = SourcesField(required=False, help_text="Where each fact and price shown comes from.")


class SuiteSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    description = LocalizedTextField()
    category = serializers.CharField(allow_null=True)
    version = serializers.CharField(allow_null=True)
    evaluation_type = serializers.CharField(allow_null=True)
    max_score = serializers.DecimalField(max_digits=10, decimal_places=4, allow_null=True)
    scoring_method = serializers.CharField(allow_null=True)
    model_count = serializers.IntegerField()


class ModelRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = LocalizedTextField()
    provider = ProviderRefSerializer()


class LeaderboardEntrySerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    model = ModelRefSerializer()
    score_raw = serializers.DecimalField(max_digits=10, decimal_places=4)
    score_normalized = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    percentile = serializers.IntegerField(allow_null=True)
    evaluation_date = serializers.DateField()
    is_official = serializers.BooleanField()


class LatestScoreSerializer(serializers.Serializer):
    score_raw = serializers.DecimalField(max_digits=10, decimal_places=4)
    score_normalized = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    evaluation_date = serializers.DateField()
    is_official = serializers.BooleanField()


class SharedBenchmarkSerializer(serializers.Serializer):
    suite = serializers.CharField()
    scores = serializers.DictField(
        child=LatestScoreSerializer(), help_text="Model slug -> its latest score on this suite."
    )


class CompareSerializer(serializers.Serializer):
    models = ModelDetailSerializer(many=True)
    shared_benchmarks = SharedBenchmarkSerializer(many=True)
