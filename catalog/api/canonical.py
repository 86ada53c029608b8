"""Canonical models (a model as its maker releases it) and every provider's offer of it."""

import django_filters
from django.db.models import F, Q
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Lower
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response

from aigo.api.cache import cached_response
from aigo.api.errors import ResourceNotFound
from aigo.api.locale import LOCALE_PARAMETER
from aigo.api.views import LocalizedAPIView
from catalog import selectors
from catalog.currency import rates_on
from catalog.models import AIModel, CanonicalModel
from catalog.offers import USD, best_offer, best_prices, offer_regions, standard_price
from catalog.provenance import model_provenance

from .canonical_serializers import (
    CanonicalModelDetailSerializer,
    CanonicalModelListSerializer,
    OfferSerializer,
    canonical_sources_block,
)
from .filters import SEARCH_LIMIT, StrictBooleanFilter

NEWEST = F("released_at").desc(nulls_last=True)
# ordering parameter value -> what it sorts by; the slug breaks ties
ORDERINGS = {
    # uses index: idx_canonical_models_released
    "newest": [NEWEST],
    # the number of offers: the catalog layer sees no page views (analytics' trending is above it)
    "popularity": [F("offer_count").desc(), NEWEST],
    "name": [Lower(KeyTextTransform("en-US", "name"))],
}


class CanonicalModelFilter(django_filters.FilterSet):
    maker = django_filters.BaseInFilter(
        field_name="maker__slug", help_text="Maker (provider) slug(s), comma-separated: any of them."
    )
    q = django_filters.CharFilter(method="search", max_length=200, help_text="Free text: names in any locale, typos.")
    released_after = django_filters.DateFilter(
        field_name="released_at", lookup_expr="gt", help_text="Released strictly after this date (YYYY-MM-DD)."
    )
    released_before = django_filters.DateFilter(
        field_name="released_at", lookup_expr="lt", help_text="Released strictly before this date (YYYY-MM-DD)."
    )
    open_weights = StrictBooleanFilter(field_name="open_weights", help_text="true: weights published; false: not.")
    ordering = django_filters.ChoiceFilter(
        method="order",
        choices=[(name, name) for name in ORDERINGS],
        empty_label=None,
        help_text="newest (default: release date, newest first), popularity (most offered first) or name (A to Z).",
    )

    class Meta:
        model = CanonicalModel
        fields = []

    def search(self, queryset, name, value):
        """Models whose slug has the text, or one of whose offers the model search finds."""
        locale = getattr(self.request, "locale", "en-US")
        ranked = selectors.models_search(query=value, locale=locale, limit=SEARCH_LIMIT)
        offers = AIModel.objects.filter(id__in=[model_id for model_id, _rank in ranked]).values("canonical_model_id")
        return queryset.filter(Q(pk__in=offers) | Q(slug__icontains=value))

    def order(self, queryset, name, value):
        return queryset.order_by(*ORDERINGS[value], "slug")

    @property
    def qs(self):
        queryset = super().qs
        return queryset if queryset.query.order_by else queryset.order_by(*ORDERINGS["newest"], "slug")


@extend_schema(tags=["canonical models"], parameters=[LOCALE_PARAMETER])
class CanonicalModelList(LocalizedAPIView, generics.ListAPIView):
    """Models as their makers release them, each with its number of offers and best price."""

    serializer_class = CanonicalModelListSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = CanonicalModelFilter

    def get_queryset(self):
        return selectors.canonical_list()

    @cached_response("models", "benchmarks")
    def get(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        ids = [model.pk for model in page]
        prices = best_prices(canonical_ids=ids, as_of=timezone.localdate())
        scores = selectors.headline_scores(canonical_ids=ids)
        for model in page:
            model.best_price, model.headline_score = prices.get(model.pk), scores.get(model.pk)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


def _canonical_or_404(slug: str) -> CanonicalModel:
    try:
        return selectors.canonical_detail(slug=slug)
    except CanonicalModel.DoesNotExist:
        raise ResourceNotFound(f"No canonical model with slug {slug!r}.", {"slug": slug}) from None


def _offers_shown(canonical: CanonicalModel) -> list[AIModel]:
    """Its offers, each with today's standard price, its regions and whether it is the cheapest;
    the cheapest's price in USD goes on `canonical`."""
    today = timezone.localdate()
    offers = list(selectors.offers_of(canonical_id=canonical.pk))
    for offer in offers:
        offer.price = standard_price(selectors.prices_in_effect(offer.pricing.all(), as_of=today))
        offer.regions = offer_regions(offer)
    rates = rates_on([USD, *(offer.price.currency for offer in offers if offer.price)], today)
    canonical.cheapest_offer = best_offer([offer.price for offer in offers], rates)
    for offer in offers:
        offer.cheapest = canonical.cheapest_offer is not None and canonical.cheapest_offer.row is offer.price
    return offers


@extend_schema(tags=["canonical models"], parameters=[LOCALE_PARAMETER])
class CanonicalModelDetail(LocalizedAPIView):
    """A model as its maker releases it: its facts and lifecycle, and every provider's offer with
    today's standard price, the cheapest named; each value with its sources."""

    serializer_class = CanonicalModelDetailSerializer

    @cached_response("models", "sources")
    def get(self, request, slug: str):
        canonical = _canonical_or_404(slug)
        canonical.offers_shown = offers = _offers_shown(canonical)
        prices = [offer.price for offer in offers if offer.price is not None]
        canonical.sources = canonical_sources_block(model_provenance(canonical, offers, prices), offers)
        return Response(self.get_serializer(canonical).data)


@extend_schema(tags=["canonical models"], parameters=[LOCALE_PARAMETER])
class CanonicalModelOffers(LocalizedAPIView, generics.ListAPIView):
    """Every provider's offer of a model, the maker's own first, with today's standard price."""

    serializer_class = OfferSerializer
    pagination_class = None

    @cached_response("models")
    def get(self, request, slug: str):
        return Response(self.get_serializer(_offers_shown(_canonical_or_404(slug)), many=True).data)
