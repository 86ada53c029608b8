"""The catalog pages: the model list with its filters in the URL, and the model page."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.listings import listings_refresh
from catalog.models import ExchangeRate
from tests.catalog.factories import (
    AIModelFactory,
    BenchmarkScoreFactory,
    CanonicalModelFactory,
    DocumentationFactory,
    PricingFactory,
    ProviderFactory,
    SourceValueFactory,
)

pytestmark = pytest.mark.django_db


def _rows(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/[^/]+/models/([^/]+)/">', html)


@pytest.fixture
def catalog():
    openai, anthropic = (
        ProviderFactory(slug="openai", name="OpenAI"),
        ProviderFactory(slug="anthropic", name="Anthropic"),
    )
    cheap = AIModelFactory(slug="cheap", provider=openai, modalities=["text", "image"], context_window=128_000)
    dear = AIModelFactory(slug="dear", provider=anthropic, capabilities=["reasoning"], context_window=200_000)
    old = AIModelFactory(slug="old", provider=openai, is_active=False, context_window=8_000)
    PricingFactory(model=cheap, input_per_million=Decimal("0.15"), output_per_million=Decimal("0.60"))
    PricingFactory(model=dear, input_per_million=Decimal("15"), output_per_million=Decimal("75"))
    PricingFactory(model=old, input_per_million=Decimal("30"), output_per_million=Decimal("60"))
    listings_refresh()
    return cheap, dear, old


def test_the_list_filters_by_what_the_url_says(client, catalog):
    assert sorted(_rows(client.get("/en-US/models/?offers=1").content.decode())) == ["cheap", "dear", "old"]
    assert sorted(_rows(client.get("/en-US/models/?offers=1&provider=openai").content.decode())) == ["cheap", "old"]
    assert _rows(
        client.get("/en-US/models/?offers=1&provider=openai&provider=anthropic&status=retired").content.decode()
    ) == ["old"]
    assert _rows(client.get("/en-US/models/?offers=1&modality=image").content.decode()) == ["cheap"]
    assert _rows(client.get("/en-US/models/?offers=1&capability=reasoning").content.decode()) == ["dear"]
    assert sorted(_rows(client.get("/en-US/models/?offers=1&min_context=100000").content.decode())) == ["cheap", "dear"]
    assert _rows(client.get("/en-US/models/?offers=1&sort=-context_window").content.decode()) == [
        "dear",
        "cheap",
        "old",
    ]


def test_the_form_shows_the_urls_state(client, catalog):
    html = client.get(
        "/en-US/models/?offers=1&provider=anthropic&modality=image&sort=input_price&status=active"
    ).content.decode()
    assert '<option value="anthropic" selected>' in html
    assert 'value="image" checked' in html
    assert '<option value="input_price" selected>' in html and '<option value="active" selected>' in html


def test_a_price_cap_in_the_visitors_currency_applies_to_prices_in_theirs(client, catalog):
    today = timezone.localdate()
    ExchangeRate.objects.create(currency="USD", rate=Decimal("1"), effective_date=today - timedelta(days=1))
    ExchangeRate.objects.create(currency="JPY", rate=Decimal("100"), effective_date=today - timedelta(days=1))
    client.cookies["aigo_currency"] = "JPY"
    # 1,000 JPY = 10 USD: only the cheap model's input price is under it.
    assert _rows(client.get("/en-US/models/?offers=1&max_price=1000").content.decode()) == ["cheap"]
    assert sorted(_rows(client.get("/en-US/models/?offers=1&max_price=5000").content.decode())) == [
        "cheap",
        "dear",
        "old",
    ]
    assert sorted(_rows(client.get("/en-US/models/?offers=1&min_price=1000&max_price=2000").content.decode())) == [
        "dear"
    ]


def test_bad_filters_are_explained_not_fatal(client, catalog):
    response = client.get("/en-US/models/?offers=1&min_context=lots&modality=smell&max_price=-3")
    html = response.content.decode()
    assert response.status_code == 200 and 'role="alert"' in html
    assert "min_context" in html and "modality" in html and "max_price" in html


def test_a_large_catalog_paginates_with_the_filters_kept(client, django_assert_max_num_queries):
    provider = ProviderFactory(slug="bulk")
    for index in range(120):
        AIModelFactory(slug=f"bulk-{index:03d}", provider=provider)
    listings_refresh()
    with django_assert_max_num_queries(6):
        html = client.get("/en-US/models/?offers=1&provider=bulk&page=2").content.decode()
    assert len(_rows(html)) == 50 and _rows(html)[0] == "bulk-050"
    assert "provider=bulk&amp;page=3" in html and "provider=bulk&amp;page=1" in html
    assert "Page 2 of 3" in html


def test_the_model_page_shows_limits_prices_scores_and_docs_in_the_visitors_locale(
    client, django_assert_max_num_queries
):
    model = AIModelFactory(
        slug="gpt-x",
        name={"en-US": "GPT X", "ja-JP": "ジーピーティー X"},
        description={"en-US": "A model.", "ja-JP": "モデルです。"},
        context_window=128_000,
        capabilities=["reasoning"],
    )
    PricingFactory(
        model=model,
        input_per_million=Decimal("2.50"),
        volume_discounts=[{"above_input_tokens": 200000, "input_per_million": "5"}],
    )
    BenchmarkScoreFactory(model=model, score_normalized=Decimal("88.5"), percentile=Decimal("97"))
    DocumentationFactory(model=model, locale="ja-JP", title={"en-US": "Docs", "ja-JP": "ドキュメント"})
    with django_assert_max_num_queries(15):
        response = client.get("/ja-JP/models/gpt-x/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>ジーピーティー X</h1>" in html and "モデルです。" in html and "ドキュメント" in html
    assert "128,000" in html and "推論" in html  # the capability, in Japanese
    assert "$2.50" in html and "$5.00" in html and "200000" in html
    assert "88.5" in html and "97" in html


def test_a_model_near_its_sunset_warns(client):
    AIModelFactory(slug="leaving", sunset_at=timezone.localdate() + timedelta(days=20))
    AIModelFactory(slug="gone", deprecated_at=date(2024, 1, 1), sunset_at=date(2024, 6, 1), is_active=False)
    assert "shuts down in 20 days" in client.get("/en-US/models/leaving/").content.decode()
    assert "was shut down on Jun 1, 2024" in client.get("/en-US/models/gone/").content.decode()


def test_a_retirement_links_the_notice_the_source_read_it_from(client):
    maker = ProviderFactory(slug="openai")
    canonical = CanonicalModelFactory(maker=maker, sunset_at=timezone.localdate() + timedelta(days=20))
    own = AIModelFactory(slug="leaving", provider=maker, canonical_model=canonical, sunset_at=canonical.sunset_at)
    resold = AIModelFactory(slug="leaving-azure", provider=ProviderFactory(slug="azure"), canonical_model=canonical)
    AIModelFactory(slug="leaving-bedrock", provider=ProviderFactory(slug="aws"), canonical_model=canonical)
    notice = "https://platform.example.com/deprecations"
    SourceValueFactory(source="litellm", target_id=own.pk, field="lifecycle_url", value=notice)
    SourceValueFactory(source="litellm", target_id=resold.pk, field="lifecycle_url", value=f"{notice}/azure")

    def link(slug: str) -> str:
        html = client.get(f"/en-US/models/{slug}/").content.decode()
        assert "shuts down in 20 days" in html
        return re.search(r'<a href="([^"]+)" rel="nofollow noopener">The provider\'s notice</a>', html)[1]

    assert link("leaving") == notice
    assert link("leaving-azure") == f"{notice}/azure"  # the offer's own notice first
    assert link("leaving-bedrock") == notice  # else its maker's: the model retires with it


def test_an_unknown_model_is_a_friendly_404(client):
    response = client.get("/en-US/models/no-such-model/")
    assert response.status_code == 404 and "Page not found" in response.content.decode()


def test_compare_shows_models_side_by_side_and_the_url_is_the_state(client, catalog, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        html = client.get("/en-US/compare/?models=cheap,dear,missing").content.decode()
    assert "Cheap" in html and "Dear" in html and "Unknown models left out: missing" in html
    assert 'href="?models=dear"' in html  # removing cheap keeps the rest
    assert "$0.15" in html and "$15.00" in html


def test_compare_adds_a_model_found_by_name_and_stops_at_six(client, catalog):
    response = client.get("/en-US/compare/?models=cheap&add=dear")
    assert response.status_code == 302 and response["Location"] == "?models=cheap,dear"
    many = ",".join(f"m{index}" for index in range(10))
    for index in range(10):
        AIModelFactory(slug=f"m{index}")
    html = client.get(f"/en-US/compare/?models={many}").content.decode()
    assert html.count("Remove ") == 6 and 'name="add"' not in html


def test_a_leaderboard_ranks_the_latest_official_scores(client):
    suite = BenchmarkScoreFactory(score_normalized=Decimal("90"), model__slug="first", is_official=True).suite
    BenchmarkScoreFactory(suite=suite, score_normalized=Decimal("70"), model__slug="second", is_official=True)
    BenchmarkScoreFactory(suite=suite, score_normalized=Decimal("99"), model__slug="sneaky", is_official=False)
    html = client.get(f"/en-US/leaderboards/{suite.slug}/").content.decode()
    assert _rows(html) == ["first", "second"]
    assert "sneaky" in client.get(f"/en-US/leaderboards/{suite.slug}/?unofficial=1").content.decode()
    assert suite.name in client.get("/en-US/leaderboards/").content.decode()
    assert client.get("/en-US/leaderboards/no-such-suite/").status_code == 404


def test_a_provider_page_lists_its_models_with_prices(client, catalog):
    html = client.get("/en-US/providers/openai/").content.decode()
    assert sorted(_rows(html)) == ["cheap", "old"] and "$0.15" in html
    assert "OpenAI" in client.get("/en-US/providers/").content.decode()
