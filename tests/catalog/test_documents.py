"""The model detail, price history and compare documents PostgreSQL builds (catalog.documents) are
the serializers' documents, field for field, for real imported models: several tiers, regions and
currencies, time-of-day prices, many scores, documentation in several locales, disagreements and
editor values; for several locales, dates, regions and tiers."""

import datetime
import json

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from catalog import selectors
from catalog.api.serializers import (
    LatestScoreSerializer,
    ModelDetailSerializer,
    PricingSerializer,
    sources_block,
)
from catalog.documents import RECENT_SCORES, compare_document, model_document, price_history_document
from catalog.models import AIModel, Pricing, SourceDisagreement
from catalog.provenance import models_provenance, provenance_annotations
from catalog.review import disagreement_decide, said_each

from .conftest import LATER
from .factories import DocumentationFactory, ModelEndpointFactory, PricingFactory

pytestmark = [pytest.mark.django_db, pytest.mark.pgbouncer]

MODELS = [
    "gpt-4o",  # endpoints, documentation in five locales, a regional price, a past tier (added below)
    "gpt-5",  # five tiers
    "mistral-large-4-0-openrouter",  # a regional price
    "glm-4-air",  # prices in CNY
    "qwen2-5-omni-7b-qwen",  # more scores than the detail shows
    "claude-3-5-sonnet-20241022",  # open disagreements
]
# (locale, as_of, region, tier); None as_of: today.
VARIANTS = [
    ("en-US", None, None, None),
    ("ja-JP", None, "eu-west", None),
    ("zh-TW", datetime.date(2025, 1, 1), None, "batch"),
    ("ko-KR", datetime.date(2025, 1, 1), "eu-west", "scale"),
    ("*", LATER, "eu-west", "standard"),
    ("de-DE", datetime.date(2024, 6, 1), "us-east", None),
]


def rendered(data) -> object:
    return json.loads(JSONRenderer().render(data))


def serialized_detail(slug: str, *, locale: str, as_of, region, tier) -> dict:
    """The detail as ModelDetailSerializer gives it, from the ORM and catalog.provenance."""
    model = selectors.model_detail(slug=slug)
    model.provenance = AIModel.objects.annotate(**provenance_annotations()).get(pk=model.pk)
    model.prices = selectors.prices_in_effect(model.pricing.all(), as_of=as_of, region=region, tier=tier)
    model.scores = list(model.benchmark_scores.all()[:RECENT_SCORES])
    model.docs = selectors.documentation_for(model.documentation.all(), locale=locale)
    model.sources = sources_block(models_provenance([model.provenance], model.prices)[model.pk], model.pk)
    return rendered(ModelDetailSerializer(model, context={"locale": locale}).data)


def documented_detail(slug: str, *, locale: str, as_of, region=None, tier=None) -> dict:
    today = timezone.localdate()
    return json.loads(model_document(slug, locale=locale, as_of=as_of, today=today, region=region, tier=tier))


@pytest.fixture
def enriched(db_catalog):
    """The real catalog with what no source imports: endpoints, documentation, regional prices,
    an editor's value and a decided disagreement."""
    gpt = AIModel.objects.get(slug="gpt-4o")
    for region, priority in [("us-east", 1), ("eu-west", 2), ("asia-east", 2)]:
        ModelEndpointFactory(model=gpt, region=region, priority=priority)
    for locale, title in [
        ("en-US", {"en-US": "Guide"}),
        ("en-GB", {"en-US": "Guide (UK)"}),
        ("ja-JP", {"en-US": "Guide", "ja-JP": "ガイド"}),
        ("zh-CN", {"en-US": "Guide", "zh-CN": "指南"}),
        (None, {"en-US": "Cookbook", "zh-TW": "食譜", "ja-JP": ""}),
    ]:
        DocumentationFactory(model=gpt, locale=locale, title=title, url=f"https://docs.example.com/{locale}")
    start = datetime.date(2024, 1, 1)
    PricingFactory(model=gpt, region="eu-west", currency="EUR", input_per_million="2.3", effective_from=start)
    # Prices shown in the serializer's order: standard first, then by tier and currency.
    for tier, currency in [("zeta", "USD"), ("alpha", "USD"), ("standard", "JPY"), ("standard", "AUD")]:
        PricingFactory(model=gpt, tier=tier, currency=currency, input_per_million="3", effective_from=start)
    PricingFactory(
        model=gpt, tier="scale", input_per_million="1.25", effective_from=start, effective_to=datetime.date(2025, 6, 30)
    )
    claude = AIModel.objects.get(slug="claude-3-5-sonnet-20241022")
    claude.context_window = 123456  # an editor's value
    claude.save(update_fields=["context_window"])
    case = SourceDisagreement.objects.filter(status="open", subject="offer").order_by("field", "id").first()
    source, said = sorted(case.values.items())[0]
    disagreement_decide(case=case, value=said_each(said)[0], source=source, user=User.objects.create_user("editor"))
    decided = AIModel.objects.filter(Q(pk=case.target_id) | Q(canonical_model_id=case.target_id)).order_by("slug")
    timed = Pricing.objects.filter(metadata__has_key="time_of_day").order_by("model__slug").first()
    return [*MODELS, decided.first().slug, timed.model.slug]


def test_detail_document_is_the_serializers_for_real_models(enriched):
    today = timezone.localdate()
    for slug in enriched:
        for locale, as_of, region, tier in VARIANTS:
            as_of = as_of or today
            expected = serialized_detail(slug, locale=locale, as_of=as_of, region=region, tier=tier)
            found = documented_detail(slug, locale=locale, as_of=as_of, region=region, tier=tier)
            assert found == expected, (slug, locale, as_of, region, tier)


def test_the_real_catalog_covers_what_the_documents_build(enriched):
    """So the comparison above compares something: each feature appears in some model's document."""
    shown = [documented_detail(slug, locale="ja-JP", as_of=timezone.localdate(), region="eu-west") for slug in enriched]
    prices = [price for document in shown for price in document["pricing"]]
    assert {"EUR", "CNY", "USD"} <= {price["currency"] for price in prices}
    assert {None, "eu-west"} <= {price["region"] for price in prices}
    assert len({price["tier"] for price in prices}) >= 4
    assert max(len(document["benchmark_scores"]) for document in shown) == RECENT_SCORES
    assert any(price["extra_prices"] for price in prices)
    said = [fact for document in shown for part in ("facts", "offer") for fact in document["sources"][part].values()]
    assert any(fact["set_by_editor"] for fact in said)
    assert any(fact["differ"] for document in shown for fact in document["sources"]["facts"].values())
    assert [doc["title"] for doc in shown[0]["documentation"]] == ["ガイド", "Cookbook"]


def test_price_history_document_is_the_serializers(enriched):
    for slug in enriched:
        rows = Pricing.objects.filter(model__slug=slug).order_by("tier", "region", "currency", "effective_from")
        assert json.loads(price_history_document(slug)) == rendered(PricingSerializer(rows, many=True).data), slug


def serialized_compare(slugs: list[str], *, locale: str) -> dict:
    """Compare's document from the ORM and the serializers (the view before catalog.documents)."""
    models = {model.slug: model for model in selectors.models_to_compare(slugs=slugs)}
    rows, latest_by_model = [], []
    for slug in slugs:
        model = models[slug]
        model.prices = selectors.prices_in_effect(model.pricing.all(), as_of=timezone.localdate())
        model.scores, model.docs = [], []
        latest = {}
        for score in model.benchmark_scores.all():
            latest.setdefault(score.suite.slug, score)
        latest_by_model.append(latest)
        rows.append(ModelDetailSerializer(model, context={"locale": locale}).data)
    shared = sorted(set.intersection(*(set(latest) for latest in latest_by_model)))
    benchmarks = [
        {
            "suite": suite,
            "scores": {
                slug: LatestScoreSerializer(latest[suite]).data
                for slug, latest in zip(slugs, latest_by_model, strict=True)
            },
        }
        for suite in shared
    ]
    return rendered({"models": rows, "shared_benchmarks": benchmarks})


@pytest.mark.parametrize(
    ("slugs", "locale"),
    [
        (["gpt-4o", "qwen2-5-omni-7b-qwen", "glm-4-air"], "zh-CN"),
        (["gpt-4o-2024-08-06", "kimi-k2-instruct", "qwen2-5-omni-7b-qwen"], "*"),
        (["gpt-5", "mistral-large-4-0-openrouter"], "en-US"),
    ],
)
def test_compare_document_is_the_serializers(enriched, slugs, locale):
    document, missing = compare_document(slugs, locale=locale, today=timezone.localdate())
    assert missing == []
    assert json.loads(document) == serialized_compare(slugs, locale=locale)


def test_compare_document_names_missing_models(enriched):
    assert compare_document(["gpt-4o", "nope", "gone"], locale="en-US", today=timezone.localdate())[1] == [
        "nope",
        "gone",
    ]


def test_detail_is_one_query_once_its_sources_are_stored(enriched):
    documented_detail("gpt-4o", locale="en-US", as_of=timezone.localdate())
    with CaptureQueriesContext(connection) as queries:
        documented_detail("gpt-4o", locale="ja-JP", as_of=timezone.localdate(), region="eu-west")
    assert len(queries) == 1


@pytest.mark.parametrize("path", ["/api/v1/models/gpt-5/pricing/", "/api/v1/compare/?models=gpt-4o,gpt-5,glm-4-air"])
def test_price_history_and_compare_are_one_query(client, enriched, path):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    assert len(queries) == 1


@pytest.mark.parametrize(
    "value, chain, expected",
    [
        ({"en-US": "Model", "ja-JP": "モデル"}, ["ja-JP", "ja", "en-US"], "モデル"),
        ({"en-US": "Model", "ja-JP": ""}, ["ja-JP", "ja", "en-US"], "Model"),  # empty text is no translation
        ({"en-US": "Model", "pt": "Modelo"}, ["pt-BR", "pt", "en-US"], "Modelo"),
        ({"fr-FR": "Modèle"}, ["de-DE", "en-US"], None),
        (None, ["en-US"], None),
        ({"en-US": "Model", "ja-JP": "モデル"}, None, {"en-US": "Model", "ja-JP": "モデル"}),  # ?locale=*: the map
    ],
)
def test_localized_text_is_the_first_non_empty_of_the_chain(value, chain, expected):
    with connection.cursor() as cursor:
        cursor.execute("SELECT localized_text(%s::jsonb, %s)", [None if value is None else json.dumps(value), chain])
        (document,) = cursor.fetchone()
    assert (None if document is None else json.loads(document)) == expected
