"""Read queries of the catalog: every API and site page reads through these."""

import datetime
import uuid
from collections.abc import Iterable

from django.db import connection
from django.db.models import Case, Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, When
from django.db.models.functions import Coalesce

from .models import (
    AIModel,
    BenchmarkScore,
    BenchmarkSuite,
    CanonicalModel,
    Documentation,
    ModelEndpoint,
    ModelListing,
    Pricing,
    Provider,
)
from .provenance import provenance_annotations


def provider_list() -> QuerySet[Provider]:
    return Provider.objects.annotate(model_count=Count("models")).order_by("name", "slug")


def listing_list() -> QuerySet[ModelListing]:
    return ModelListing.objects.all()


def model_detail(*, slug: str) -> AIModel:
    """One model with its provider, canonical model, endpoints, every price row, recent scores
    and documentation.

    Five queries whatever the model: the detail page never grows with the data.
    """
    return (
        AIModel.objects.select_related("provider", "canonical_model")
        .prefetch_related(
            Prefetch("endpoints", queryset=ModelEndpoint.objects.order_by("priority", "region")),
            Prefetch("pricing", queryset=Pricing.objects.order_by("tier", "region", "currency", "-effective_from")),
            Prefetch(
                "benchmark_scores",
                queryset=BenchmarkScore.objects.select_related("suite").order_by("-evaluation_date", "suite__slug"),
            ),
            Prefetch("documentation", queryset=Documentation.objects.order_by("doc_type", "locale", "url")),
        )
        .get(slug=slug)
    )


def models_with_sources(*, ids: Iterable, as_of: datetime.date) -> QuerySet[AIModel]:
    """These models with what their provenance needs (catalog.provenance's models_provenance) and
    their standard global price rows in force on `as_of` (a list row's price): two queries."""
    in_force = Pricing.objects.filter(tier="standard", region=None, effective_from__lte=as_of).filter(
        Q(effective_to=None) | Q(effective_to__gte=as_of)
    )
    return (
        AIModel.objects.filter(id__in=list(ids))
        .select_related("canonical_model")
        .annotate(**provenance_annotations())
        .prefetch_related(Prefetch("pricing", queryset=in_force))
    )


def prices_in_effect(
    rows: Iterable[Pricing], *, as_of: datetime.date, region: str | None = None, tier: str | None = None
) -> list[Pricing]:
    """The price rows that apply on `as_of`. Per tier: the region's own prices when `region` is
    given and the tier has any there, else the global prices (region NULL)."""
    by_tier: dict[str, dict[str | None, list[Pricing]]] = {}
    for row in rows:
        if row.effective_from > as_of or (row.effective_to is not None and row.effective_to < as_of):
            continue
        if tier is not None and row.tier != tier:
            continue
        by_tier.setdefault(row.tier, {}).setdefault(row.region, []).append(row)
    chosen = []
    for regions in by_tier.values():
        chosen += regions.get(region) if region in regions and region is not None else regions.get(None, [])
    return sorted(chosen, key=lambda row: (row.tier != "standard", row.tier, row.currency))


def documentation_for(docs: Iterable[Documentation], *, locale: str) -> list[Documentation]:
    """Pages in the reader's locale plus pages for every locale (locale NULL); when there are
    none in that locale, the same language's, then the English ones, rather than nothing."""
    docs = list(docs)
    if locale == "*":
        return docs
    language = locale.split("-")[0]
    for wanted in (
        lambda doc: doc.locale == locale,
        lambda doc: doc.locale and doc.locale.split("-")[0] == language,
        lambda doc: doc.locale == "en-US",
    ):
        localized = [doc for doc in docs if wanted(doc)]
        if localized:
            break
    return localized + [doc for doc in docs if doc.locale is None]


def models_to_compare(*, slugs: list[str]) -> QuerySet[AIModel]:
    return (
        AIModel.objects.filter(slug__in=slugs)
        .select_related("provider", "canonical_model")
        .prefetch_related(
            Prefetch("endpoints", queryset=ModelEndpoint.objects.order_by("priority", "region")),
            "pricing",
            Prefetch(
                "benchmark_scores",
                queryset=BenchmarkScore.objects.select_related("suite").order_by("-evaluation_date", "suite__slug"),
            ),
        )
    )


def suite_list() -> QuerySet[BenchmarkSuite]:
    return BenchmarkSuite.objects.annotate(model_count=Count("scores__model", distinct=True)).order_by("name", "slug")


def leaderboard(*, suite: BenchmarkSuite, include_unofficial: bool = False) -> QuerySet[BenchmarkScore]:
    """Each model's latest score on the suite (official only unless asked), best first.

    Ties keep a stable order: raw score, then the earlier evaluation, then the model's slug.
    """
    scores = BenchmarkScore.objects.filter(suite=suite)
    if not include_unofficial:
        scores = scores.filter(is_official=True)
    latest_ids = scores.order_by("model_id", "-evaluation_date").distinct("model_id").values("id")
    return (
        BenchmarkScore.objects.filter(id__in=latest_ids)
        .select_related("model__provider")
        .order_by("-score_normalized", "-score_raw", "evaluation_date", "model__slug")
    )


def models_search(*, query: str, locale: str, limit: int) -> list[tuple[uuid.UUID, float]]:
    """(model id, rank) pairs from the seed's search_models() SQL function, best first."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, rank FROM search_models(%s, %s, %s)", [query, locale, limit])
        return cursor.fetchall()


def providers_search(*, query: str, limit: int) -> list[tuple[Provider, float]]:
    """Providers whose name or slug matches the query exactly, as a prefix, or nearly (typos)."""
    rows = Provider.objects.raw(
        """
        SELECT p.*, (SELECT count(*) FROM models m WHERE m.provider_id = p.id) AS model_count, GREATEST(
            CASE WHEN lower(p.name) = lower(%(q)s) OR p.slug = lower(%(q)s) THEN 1.0 ELSE 0 END,
            CASE WHEN lower(p.name) LIKE lower(%(q)s) || '%%' THEN 0.9 ELSE 0 END,
            word_similarity(lower(%(q)s), lower(p.name || ' ' || p.slug)) * 0.9
        ) AS rank
        FROM providers p
        WHERE btrim(%(q)s) <> ''
        ORDER BY rank DESC, p.slug
        LIMIT %(limit)s
        """,
        {"q": query.strip(), "limit": limit},
    )
    return [(provider, provider.rank) for provider in rows if provider.rank >= 0.4]


def price_changes(*, as_of: datetime.date, limit: int) -> QuerySet[Pricing]:
    """The newest price periods that have started (new models and price changes alike)."""
    return (
        Pricing.objects.filter(effective_from__lte=as_of)
        .select_related("model__provider")
        .order_by("-effective_from", "-created_at", "-id")[:limit]
    )


def listing_currencies() -> QuerySet:
    """The currencies list prices are in (a handful): for converting a price cap into each."""
    return ModelListing.objects.exclude(price_currency=None).values_list("price_currency", flat=True).distinct()


def provider_choices() -> QuerySet[Provider]:
    return Provider.objects.order_by("name").values_list("slug", "name")


# -- canonical models: the thing a maker releases, and every provider's offer of it ----------


def canonical_list(*, offer_ids: QuerySet | None = None) -> QuerySet[CanonicalModel]:
    """The catalog's rows: canonical models with their maker and how many offers each has; with
    `offer_ids` (a query of offer ids: a filtered listing), those that have one of these offers."""
    # A count per row rather than a GROUP BY over every model: PostgreSQL then counts only the
    # rows of the page, unless the sort is by the count.
    offers = AIModel.objects.filter(canonical_model_id=OuterRef("pk")).order_by().values("canonical_model_id")
    offer_count = Coalesce(Subquery(offers.annotate(count=Count("*")).values("count")), 0)
    models = CanonicalModel.objects.select_related("maker").annotate(offer_count=offer_count)
    if offer_ids is not None:
        models = models.filter(pk__in=AIModel.objects.filter(id__in=offer_ids).values("canonical_model_id"))
    return models


def canonical_detail(**lookup) -> CanonicalModel:
    """One canonical model (by slug or pk) with its maker and successor."""
    return CanonicalModel.objects.select_related("maker", "successor").get(**lookup)


def offers_of(*, canonical_id) -> QuerySet[AIModel]:
    """Every provider's offer of a canonical model, the maker's own first, with its provider,
    endpoints and price rows."""
    by_maker = Case(When(provider_id=F("canonical_model__maker_id"), then=0), default=1)
    # uses index: idx_models_canonical
    return (
        AIModel.objects.filter(canonical_model_id=canonical_id)
        .alias(by_maker=by_maker)
        .select_related("provider")
        .prefetch_related(
            Prefetch("endpoints", queryset=ModelEndpoint.objects.order_by("priority", "region")),
            Prefetch("pricing", queryset=Pricing.objects.order_by("tier", "region", "currency", "-effective_from")),
        )
        .order_by("by_maker", "provider__name", "slug")
    )


def standard_prices_of(*, canonical_ids: Iterable, as_of: datetime.date) -> QuerySet[Pricing]:
    """The standard global price rows in force on `as_of` of every offer of these canonical
    models, each with its `canonical_id`: a catalog page's best prices in one query. Each row
    carries what choosing and showing the best needs (catalog.offers: standard_price, cheapest,
    in_usd; its offer's slug and provider), not whole offers and providers: a page of popular
    models has hundreds of rows."""
    return (
        Pricing.objects.filter(
            model__canonical_model_id__in=list(canonical_ids), tier="standard", region=None, effective_from__lte=as_of
        )
        .filter(Q(effective_to=None) | Q(effective_to__gte=as_of))
        .annotate(canonical_id=F("model__canonical_model_id"))
        .select_related("model__provider")
        .only(
            "model_id",
            "tier",
            "region",
            "currency",
            "input_per_million",
            "output_per_million",
            "metadata",
            "model__slug",
            "model__provider__slug",
            "model__provider__name",
        )
    )


def canonical_of_offers(*, model_ids: Iterable) -> dict[str, uuid.UUID]:
    """Offer id (str) -> its canonical model's id, for offers that have one."""
    rows = AIModel.objects.filter(id__in=list(model_ids)).exclude(canonical_model=None)
    return {str(model_id): canonical_id for model_id, canonical_id in rows.values_list("id", "canonical_model_id")}


# -- real and demo benchmark scores -----------------------------------------------------------

# How catalog/demo marks its suites and scores: illustrative numbers, never a published result.
DEMO_MARK = {"source": "demo"}
DEMO_SCORES = Q(configuration__contains=DEMO_MARK) | Q(suite__metadata__contains=DEMO_MARK)


def suite_is_demo(suite: BenchmarkSuite) -> bool:
    return suite.metadata.get("source") == DEMO_MARK["source"]


def score_is_demo(score: BenchmarkScore) -> bool:
    """DEMO_SCORES for a loaded score (with its suite)."""
    return score.configuration.get("source") == DEMO_MARK["source"] or suite_is_demo(score.suite)


def real_scores_exist() -> bool:
    """Once the catalog has real scores, pages leave the demo ones out."""
    return BenchmarkScore.objects.exclude(DEMO_SCORES).exists()


def scores_of(*, model_ids: Iterable = (), canonical_ids: Iterable = ()) -> QuerySet[BenchmarkScore]:
    """Every score of these models and of every offer of these canonical models, each with its
    model's `canonical_id`, newest first per suite: a model page shows its canonical model's."""
    # uses index: idx_scores_model (and idx_models_canonical)
    return (
        BenchmarkScore.objects.filter(
            Q(model_id__in=list(model_ids)) | Q(model__canonical_model_id__in=list(canonical_ids))
        )
        .annotate(canonical_id=F("model__canonical_model_id"))
        .select_related("suite", "model__provider")
        .order_by("suite__name", "suite__slug", "-evaluation_date")
    )


def headline_scores(*, canonical_ids: Iterable) -> dict[uuid.UUID, BenchmarkScore]:
    """Per canonical model: its newest real score on the benchmark that the most models report,
    so the catalog's score column compares like with like where it can."""
    real = BenchmarkScore.objects.exclude(DEMO_SCORES)
    reach = dict(
        real.order_by()
        .values("suite_id")
        .annotate(models=Count("model_id", distinct=True))
        .values_list("suite_id", "models")
    )
    scores = (
        real.filter(model__canonical_model_id__in=list(canonical_ids))
        .select_related("suite")
        .annotate(canonical_id=F("model__canonical_model_id"))
    )

    def rank(score: BenchmarkScore) -> tuple:
        return (-reach.get(score.suite_id, 0), -score.evaluation_date.toordinal(), score.suite.slug)

    found: dict[uuid.UUID, list[BenchmarkScore]] = {}
    for score in scores:
        found.setdefault(score.canonical_id, []).append(score)
    return {canonical_id: min(group, key=rank) for canonical_id, group in found.items()}


def model_head(*, slug: str) -> AIModel:
    """One model with its provider and its canonical model's maker and successor: what a model
    page shows around its cached parts, in one query."""
    return AIModel.objects.select_related("provider", "canonical_model__maker", "canonical_model__successor").get(
        slug=slug
    )
