"""Output serializers of canonical models (a model as its maker releases it) and their offers
(each provider's `models` row of it). Money is a decimal string, never a float."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from aigo.api.locale import LocalizedTextField
from catalog.models import AIModel
from catalog.provenance import ModelProvenance

from .serializers import ProvenanceSerializer, ProviderRefSerializer, price_sources, provenance_dicts


def _money(help_text: str = ""):
    return serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True, help_text=help_text)


class BestPriceSerializer(serializers.Serializer):
    """An offer's standard price converted to USD (catalog.offers.PriceInUSD), to compare offers."""

    model = serializers.CharField(source="row.model.slug", help_text="Slug of the offer (a model).")
    provider = ProviderRefSerializer(source="row.model.provider")
    input_per_million = _money("USD per million input tokens.")
    output_per_million = _money("USD per million output tokens.")
    currency = serializers.CharField(help_text="Always USD.")
    original_currency = serializers.CharField(source="row.currency", help_text="The currency the price is listed in.")
    rate_date = serializers.DateField(allow_null=True, help_text="Day of the exchange rate used; null: not converted.")


class HeadlineScoreSerializer(serializers.Serializer):
    suite = serializers.CharField(source="suite.slug")
    suite_name = serializers.CharField(source="suite.name")
    score_raw = serializers.DecimalField(max_digits=10, decimal_places=4)
    score_normalized = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    evaluation_date = serializers.DateField()
    source = serializers.CharField(help_text='"editor", or the source that published it.')
    source_url = serializers.URLField(allow_null=True, help_text="Where the score was published.")


class CanonicalModelListSerializer(serializers.Serializer):
    """A row of the canonical model list; the view puts `best_price` and `headline_score` on it."""

    slug = serializers.CharField()
    name = LocalizedTextField()
    maker = ProviderRefSerializer(allow_null=True)
    released_at = serializers.DateField(allow_null=True)
    offer_count = serializers.IntegerField(help_text="Providers' offers of this model.")
    context_window = serializers.IntegerField(allow_null=True)
    best_price = BestPriceSerializer(
        allow_null=True, help_text="The lowest current standard price among the offers, in USD (3:1 input:output)."
    )
    headline_score = HeadlineScoreSerializer(
        allow_null=True, help_text="Newest real score on the benchmark most models report."
    )


class OfferPriceSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    tier = serializers.CharField()
    currency = serializers.CharField()
    input_per_million = _money("Per million input tokens, in `currency`.")
    output_per_million = _money("Per million output tokens, in `currency`.")
    effective_from = serializers.DateField()


class OfferSerializer(serializers.Serializer):
    """One provider's offer; the view puts `price`, `regions` and `cheapest` on it."""

    model = serializers.CharField(source="slug", help_text="Slug of the offer (a model: see /models/{slug}/).")
    name = LocalizedTextField()
    provider = ProviderRefSerializer()
    regions = serializers.ListField(child=serializers.CharField())
    price = OfferPriceSerializer(allow_null=True, help_text="Today's standard price, as published.")
    context_window = serializers.IntegerField(allow_null=True)
    max_output_tokens = serializers.IntegerField(allow_null=True)
    is_active = serializers.BooleanField()
    cheapest = serializers.BooleanField(help_text="The cheapest offer in USD (as `cheapest_offer`).")


class CanonicalSourcesSerializer(serializers.Serializer):
    facts = serializers.DictField(child=ProvenanceSerializer(), help_text="The model's facts, by field.")
    offers = serializers.DictField(
        child=serializers.DictField(child=ProvenanceSerializer()), help_text="Offer slug -> its fields' provenance."
    )
    prices = serializers.DictField(
        child=serializers.DictField(child=ProvenanceSerializer()),
        help_text="Price id (as in `offers[].price.id`) -> price component -> its provenance.",
    )


def canonical_sources_block(provenance: ModelProvenance, offers: list[AIModel]) -> dict:
    """A canonical model's `sources`: its facts, each offer's fields (by slug) and prices shown."""
    return {
        "facts": provenance_dicts(provenance.facts),
        "offers": {offer.slug: provenance_dicts(provenance.offers.get(offer.pk, {})) for offer in offers},
        "prices": price_sources(provenance),
    }


@extend_schema_field(CanonicalSourcesSerializer)
class CanonicalSourcesField(serializers.JSONField):
    """The `sources` block, already plain JSON."""


class CanonicalModelDetailSerializer(serializers.Serializer):
    """A canonical model's facts and every offer; the view puts `offers_shown`, `cheapest_offer`
    and `sources` on it."""

    slug = serializers.CharField()
    name = LocalizedTextField()
    description = LocalizedTextField()
    maker = ProviderRefSerializer(allow_null=True)
    family = serializers.CharField(allow_null=True)
    released_at = serializers.DateField(allow_null=True)
    deprecated_at = serializers.DateField(
        allow_null=True,
        help_text=(
            'The day the deprecation was announced, or, where the sources block\'s note says "on or before", the '
            "first day a source's release marked the model deprecated."
        ),
    )
    sunset_at = serializers.DateField(allow_null=True, help_text="The day it stops working (retirement).")
    successor = serializers.CharField(source="successor.slug", allow_null=True, help_text="Slug of its successor.")
    training_cutoff = serializers.DateField(allow_null=True)
    open_weights = serializers.BooleanField(allow_null=True)
    license = serializers.CharField(allow_null=True)
    parameter_count = serializers.IntegerField(allow_null=True)
    context_window = serializers.IntegerField(allow_null=True)
    max_output_tokens = serializers.IntegerField(allow_null=True)
    modalities = serializers.ListField(child=serializers.CharField())
    capabilities = serializers.ListField(child=serializers.CharField())
    offers = OfferSerializer(source="offers_shown", many=True)
    cheapest_offer = BestPriceSerializer(allow_null=True, help_text="The cheapest offer's price in USD.")
    sources = CanonicalSourcesField(help_text="Where each fact, offer field and price shown comes from.")
