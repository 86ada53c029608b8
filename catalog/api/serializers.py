"""Output serializers of the catalog API. Money is a decimal string, never a float."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from aigo.api.locale import LocalizedTextField
from catalog.models import AIModel, BenchmarkScore, BenchmarkSuite, Documentation, ModelEndpoint, Pricing, Provider


class ProviderSerializer(serializers.ModelSerializer):
    model_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Provider
        fields = [
            "slug",
            "name",
            "website_url",
            "logo_url",
            "status_page_url",
            "documentation_url",
            "regions",
            "model_count",
        ]


class ProviderRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


def _money(value) -> str | None:
    return None if value is None else format(value, "f")


class ListingPriceSerializer(serializers.Serializer):
    input_per_million = serializers.DecimalField(max_digits=10, decimal_places=4, allow_null=True)
    output_per_million = serializers.DecimalField(max_digits=10, decimal_places=4, allow_null=True)
    currency = serializers.CharField(source="price_currency", allow_null=True)


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


class EndpointSerializer(serializers.ModelSerializer):
    class Meta:
        model = ModelEndpoint
        fields = ["region", "endpoint_url", "priority", "is_active"]


class PricingSerializer(serializers.ModelSerializer):
    extra_prices = serializers.SerializerMethodField(
        help_text="Prices the schema has no column for (cache reads and writes, reasoning output, searches...)."
    )

    class Meta:
        model = Pricing
        fields = [
            "tier",
            "region",
            "currency",
            "input_per_million",
            "output_per_million",
            "image_per_unit",
            "audio_per_minute",
            "video_per_minute",
            "fine_tuning_per_million",
            "volume_discounts",
            "extra_prices",
            "effective_from",
            "effective_to",
        ]

    def get_extra_prices(self, row: Pricing) -> dict:
        return row.metadata.get("prices", {})


class ScoreSerializer(serializers.ModelSerializer):
    suite = serializers.CharField(source="suite.slug")
    suite_name = serializers.CharField(source="suite.name")
    category = serializers.CharField(source="suite.category", allow_null=True)

    class Meta:
        model = BenchmarkScore
        fields = [
            "suite",
            "suite_name",
            "category",
            "score_raw",
            "score_normalized",
            "percentile",
            "evaluation_date",
            "is_official",
        ]


class DocumentationSerializer(serializers.ModelSerializer):
    title = LocalizedTextField()

    class Meta:
        model = Documentation
        fields = ["doc_type", "title", "url", "locale", "version"]


class ModelDetailSerializer(serializers.ModelSerializer):
    """A model with its endpoints, prices in effect, recent scores and documentation.

    The view puts the selected `prices`, `scores` and `docs` on the instance.
    """

    name = LocalizedTextField()
    description = LocalizedTextField()
    provider = ProviderRefSerializer()
    endpoints = EndpointSerializer(many=True)
    pricing = PricingSerializer(source="prices", many=True)
    benchmark_scores = ScoreSerializer(source="scores", many=True)
    documentation = DocumentationSerializer(source="docs", many=True)

    class Meta:
        model = AIModel
        fields = [
            "slug",
            "name",
            "description",
            "provider",
            "foundation_model",
            "modalities",
            "capabilities",
            "context_window",
            "max_output_tokens",
            "training_cutoff",
            "api_version",
            "is_active",
            "released_at",
            "deprecated_at",
            "sunset_at",
            "endpoints",
            "pricing",
            "benchmark_scores",
            "documentation",
        ]


class SuiteSerializer(serializers.ModelSerializer):
    description = LocalizedTextField()
    model_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = BenchmarkSuite
        fields = [
            "slug",
            "name",
            "description",
            "category",
            "version",
            "evaluation_type",
            "max_score",
            "scoring_method",
            "model_count",
        ]


class ModelRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = LocalizedTextField()
    provider = ProviderRefSerializer()


class LeaderboardEntrySerializer(serializers.ModelSerializer):
    rank = serializers.IntegerField()
    model = ModelRefSerializer()

    class Meta:
        model = BenchmarkScore
        fields = ["rank", "model", "score_raw", "score_normalized", "percentile", "evaluation_date", "is_official"]


class SharedBenchmarkSerializer(serializers.Serializer):
    suite = serializers.CharField()
    scores = serializers.DictField(
        child=serializers.DictField(), help_text="Model slug -> its latest score on this suite."
    )


class CompareSerializer(serializers.Serializer):
    models = ModelDetailSerializer(many=True)
    shared_benchmarks = SharedBenchmarkSerializer(many=True)


class SearchResultSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["model", "provider"])
    rank = serializers.FloatField(help_text="Relevance, 0 to 1; models and providers share the scale.")
    slug = serializers.CharField()
    name = serializers.JSONField(help_text="Localized name (models) or name (providers).")


class SearchSerializer(serializers.Serializer):
    query = serializers.CharField()
    results = SearchResultSerializer(many=True)
