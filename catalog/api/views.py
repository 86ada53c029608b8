"""Catalog read API: thin views over catalog.selectors, cached and localized."""

import json
from collections.abc import Callable

from django.conf import settings
from django.db import router
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import generics, serializers

from aigo.api.cache import cached_response
from aigo.api.errors import ResourceNotFound
from aigo.api.locale import LOCALE_PARAMETER
from aigo.api.schema import error_response
from aigo.api.views import LocalizedAPIView
from catalog import selectors
from catalog.documents import compare_document, model_document, price_history_document
from catalog.listings import listings_read
from catalog.models import AIModel, BenchmarkSuite, ModelListing
from catalog.provenance import models_provenance

from .filters import ModelListingFilter
from .json_rows import listing_json_sql, unfiltered_page
from .serializers import (
    CompareSerializer,
    LeaderboardEntrySerializer,
    ModelDetailSerializer,
    ModelListSerializer,
    PricingSerializer,
    ProviderSerializer,
    SuiteSerializer,
    sources_block,
)

COMPARE_MAX = 6
INCLUDES = {"sources"}  # what a list's ?include= may add to each row


@extend_schema(tags=["providers"], parameters=[LOCALE_PARAMETER])
class ProviderList(LocalizedAPIView, generics.ListAPIView):
    """Every provider with the number of models it offers."""

    serializer_class = ProviderSerializer

    def get_queryset(self):
        return selectors.provider_list()

    @cached_response("models")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["providers"], parameters=[LOCALE_PARAMETER])
class ProviderDetail(LocalizedAPIView, generics.RetrieveAPIView):
    serializer_class = ProviderSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return selectors.provider_list()

    @cached_response("models")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class IncludeParams(serializers.Serializer):
    include = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        help_text="`sources`: add each row's `sources` block (as on the model detail).",
    )

    def validate_include(self, value: str) -> set[str]:
        wanted = {item.strip() for item in value.split(",") if item.strip()}
        unknown = sorted(wanted - INCLUDES)
        if unknown:
            raise serializers.ValidationError(
                f"Unknown value {', '.join(unknown)}; choose from {', '.join(sorted(INCLUDES))}."
            )
        return wanted


def _with_sources(page: list[tuple]) -> list[str]:
    """The page's JSON rows, each with its `sources` block: two queries for the whole page."""
    ids = [model_id for model_id, _document in page]
    models = list(selectors.models_with_sources(ids=ids, as_of=timezone.localdate()))
    provenance = models_provenance(models, [row for model in models for row in model.pricing.all()])
    blocks = {model_id: json.dumps(sources_block(found, model_id)) for model_id, found in provenance.items()}
    # A model deleted since the listings view was last refreshed is left as the view has it.
    return [
        f'{document[:-1]},"sources":{blocks[model_id]}}}' if model_id in blocks else document
        for model_id, document in page
    ]


class KnownPage:
    """An unfiltered list for the paginator: the page it will ask for is read with the count the
    view's last refresh stored, in one statement; any other slice (or no stored count) from the
    query `documents()` builds, as usual."""

    def __init__(self, documents: Callable[[], QuerySet], *, locale: str, offset: int, limit: int, using: str) -> None:
        self.documents, self.offset, self.limit = documents, offset, limit
        self.known, self.rows = unfiltered_page(locale, offset=offset, limit=limit, using=using)

    def count(self) -> int:
        return self.documents().count() if self.known is None else self.known

    def __getitem__(self, index):
        # The last page's slice ends at the count rather than a page further.
        if (
            isinstance(index, slice)
            and index.start == self.offset
            and index.stop in (self.offset + self.limit, self.known)
        ):
            return self.rows
        return self.documents()[index]


@extend_schema(tags=["models"], parameters=[LOCALE_PARAMETER, IncludeParams])
class ModelList(LocalizedAPIView, generics.ListAPIView):
    """Models, from the model_listings view: filter, search and sort; up to 200 per page."""

    serializer_class = ModelListSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ModelListingFilter

    def get_queryset(self):
        return selectors.listing_list()

    @cached_response("models", "benchmarks", "sources")
    def get(self, request, *args, **kwargs):
        include = set()
        if "include" in request.query_params:
            params = IncludeParams(data=request.query_params)
            params.is_valid(raise_exception=True)
            include = params.validated_data["include"]
        filtered = bool(set(request.query_params) - {"page", "page_size", "locale", "include"})

        def documents() -> QuerySet:
            if filtered:
                listings = self.filter_queryset(self.get_queryset())
            else:  # nothing to filter: skip building the filter form (most of a cold request)
                listings = self.get_queryset().order_by("slug")
            return listings.annotate(document=listing_json_sql(self.locale)).values_list("id", "document")

        using = router.db_for_read(ModelListing)

        def read() -> list:
            page = request.query_params.get(self.paginator.page_query_param, "1")
            if filtered or not page.isdigit() or int(page) < 1:
                return self.paginate_queryset(documents())
            size = self.paginator.get_page_size(request)
            offset = (int(page) - 1) * size
            return self.paginate_queryset(
                KnownPage(documents, locale=self.locale, offset=offset, limit=size, using=using)
            )

        page = listings_read(read, using)
        if "sources" in include:
            return self.paginator.get_json_text_response(_with_sources(page))
        return self.paginator.get_json_text_response([document for _id, document in page])


class DetailParams(serializers.Serializer):
    as_of = serializers.DateField(required=False, help_text="Prices in effect on this date (default today).")
    region = serializers.ChoiceField(choices=[], required=False, help_text="Prefer this region's prices.")
    tier = serializers.CharField(required=False, max_length=50, help_text="Only this pricing tier.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = settings.AIGO_REGIONS


DETAIL_PARAMS = set(DetailParams().fields)


@extend_schema(
    tags=["models"],
    parameters=[
        LOCALE_PARAMETER,
        DetailParams,
    ],
)
class ModelDetail(LocalizedAPIView):
    """One model: endpoints by region (by priority), prices in effect, recent scores, documentation."""

    serializer_class = ModelDetailSerializer

    @cached_response("models", "benchmarks", "sources")
    def get(self, request, slug: str):
        wanted = {}
        if DETAIL_PARAMS & request.query_params.keys():  # most reads give none: skip the serializer
            params = DetailParams(data=request.query_params)
            params.is_valid(raise_exception=True)
            wanted = params.validated_data
        today = timezone.localdate()
        document = model_document(
            slug,
            locale=self.locale,
            as_of=wanted.get("as_of", today),
            today=today,
            region=wanted.get("region"),
            tier=wanted.get("tier"),
            using=router.db_for_read(AIModel),
        )
        if document is None:
            raise ResourceNotFound(f"No model with slug {slug!r}.", {"slug": slug})
        return HttpResponse(document, content_type="application/json")


@extend_schema(tags=["models"], parameters=[LOCALE_PARAMETER])
class ModelPricing(LocalizedAPIView, generics.ListAPIView):
    """Every price period of a model, oldest first per tier, region and currency."""

    serializer_class = PricingSerializer
    pagination_class = None

    @cached_response("models")
    def get(self, request, slug: str):
        document = price_history_document(slug, using=router.db_for_read(AIModel))
        if document is None:
            raise ResourceNotFound("No AIModel matches the given query.")
        return HttpResponse(document, content_type="application/json")


@extend_schema(tags=["benchmarks"], parameters=[LOCALE_PARAMETER])
class SuiteList(LocalizedAPIView, generics.ListAPIView):
    serializer_class = SuiteSerializer

    def get_queryset(self):
        suites = selectors.suite_list()
        category = self.request.query_params.get("category")
        return suites.filter(category=category) if category else suites

    @cached_response("benchmarks")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class LeaderboardParams(serializers.Serializer):
    include_unofficial = serializers.BooleanField(
        required=False, default=False, help_text="Also rank unofficial (e.g. demo or community) scores."
    )


@extend_schema(tags=["benchmarks"], parameters=[LOCALE_PARAMETER, LeaderboardParams])
class Leaderboard(LocalizedAPIView, generics.ListAPIView):
    """Models ranked by their latest official score on a suite; ties are broken stably."""

    serializer_class = LeaderboardEntrySerializer

    def get_queryset(self):
        params = LeaderboardParams(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        suite = get_object_or_404(BenchmarkSuite, slug=self.kwargs["slug"])
        return selectors.leaderboard(suite=suite, include_unofficial=params.validated_data["include_unofficial"])

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        first = (self.paginator.page.number - 1) * self.paginator.page.paginator.per_page
        for offset, entry in enumerate(page, start=1):
            entry.rank = first + offset
        return page

    @cached_response("models", "benchmarks")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class CompareParams(serializers.Serializer):
    models = serializers.CharField(help_text=f"Up to {COMPARE_MAX} model slugs, comma-separated.")

    def validate_models(self, value: str) -> list[str]:
        slugs = list(dict.fromkeys(slug.strip() for slug in value.split(",") if slug.strip()))
        if not 1 <= len(slugs) <= COMPARE_MAX:
            raise serializers.ValidationError(f"Give between 1 and {COMPARE_MAX} model slugs.")
        return slugs


@extend_schema(
    tags=["models"],
    parameters=[LOCALE_PARAMETER, CompareParams],
    responses={200: CompareSerializer, 404: error_response(404)},
    examples=[OpenApiExample("Two models", value={"models": [], "shared_benchmarks": []}, response_only=True)],
)
class Compare(LocalizedAPIView):
    """Up to six models side by side, with the benchmark suites all of them have scores on."""

    @cached_response("models", "benchmarks")
    def get(self, request):
        params = CompareParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        slugs = params.validated_data["models"]
        document, missing = compare_document(
            slugs, locale=self.locale, today=timezone.localdate(), using=router.db_for_read(AIModel)
        )
        if missing:
            raise ResourceNotFound(f"Unknown model slug(s): {', '.join(missing)}.", {"missing": missing})
        return HttpResponse(document, content_type="application/json")
