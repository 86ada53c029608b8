"""The calculator, the sitemap, static files and page caching."""

import xml.etree.ElementTree as ET
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.listings import listings_refresh
from catalog.models import ExchangeRate
from tests.catalog.factories import AIModelFactory, PricingFactory, ProviderFactory
from tests.news.factories import NewsArticleFactory

pytestmark = pytest.mark.django_db
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def priced():
    PricingFactory(
        model=AIModelFactory(slug="small"), input_per_million=Decimal("0.10"), output_per_million=Decimal("0.40")
    )
    PricingFactory(model=AIModelFactory(slug="large"), input_per_million=Decimal("3"), output_per_million=Decimal("15"))
    PricingFactory(
        model=AIModelFactory(slug="text-only"), input_per_million=Decimal("1"), output_per_million=Decimal("2")
    )


def test_the_calculator_prices_usage_on_each_model_cheapest_first(client, priced):
    html = client.get(
        "/en-US/calculator/?models=large,small&input_tokens=2000000&output_tokens=1000000"
    ).content.decode()
    assert html.index("/en-US/models/small/") < html.index("/en-US/models/large/")
    assert "$0.60" in html and "$21.00" in html  # 2 x 0.10 + 1 x 0.40; 2 x 3 + 1 x 15


def test_the_calculator_says_when_a_model_has_no_price_for_the_usage_and_reads_bad_amounts_as_zero(client, priced):
    html = client.get("/en-US/calculator/?models=text-only,nothing&images=3&input_tokens=lots").content.decode()
    assert "not priced for this usage" in html
    assert "input_tokens" in html and "Unknown models left out: nothing" in html


def test_the_sitemap_lists_every_locales_pages_models_providers_and_published_news(client, settings):
    AIModelFactory(slug="mapped", provider=ProviderFactory(slug="maker"))
    NewsArticleFactory(slug="story")
    index = ET.fromstring(client.get("/sitemap.xml").content)
    sections = [node.text for node in index.iter(f"{SITEMAP}loc")]
    assert {location.rsplit("/", 1)[1] for location in sections} >= {
        "sitemap-models.xml",
        "sitemap-providers.xml",
        "sitemap-news.xml",
        "sitemap-pages.xml",
    }
    models = ET.fromstring(client.get("/sitemap-models.xml").content)
    addresses = {node.text for node in models.iter(f"{SITEMAP}loc")}
    assert {f"http://testserver/{locale}/models/mapped/" for locale in settings.AIGO_LOCALES} <= addresses
    news = {node.text for node in ET.fromstring(client.get("/sitemap-news.xml").content).iter(f"{SITEMAP}loc")}
    assert "http://testserver/ja-JP/news/story/" in news


def test_static_files_are_served_by_the_app(client):
    response = client.get("/static/site/site.css")
    assert response.status_code == 200 and b"--accent" in b"".join(response.streaming_content)


def test_pages_are_cached_with_an_etag_and_dropped_when_the_catalog_changes(client, django_capture_on_commit_callbacks):
    model = AIModelFactory(slug="cached", name={"en-US": "Before"})
    listings_refresh()
    first = client.get("/en-US/models/?offers=1")
    assert first["Cache-Control"].startswith("public") and "Cookie" in first["Vary"]
    assert client.get("/en-US/models/?offers=1", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    with django_capture_on_commit_callbacks(execute=True):
        model.name = {"en-US": "After"}
        model.save()
    listings_refresh()
    assert "After" in client.get("/en-US/models/?offers=1").content.decode()


def test_the_cache_keeps_visitors_currencies_apart(client, priced):
    day = timezone.localdate() - timedelta(days=1)
    ExchangeRate.objects.create(currency="USD", rate=Decimal("1"), effective_date=day)
    ExchangeRate.objects.create(currency="JPY", rate=Decimal("100"), effective_date=day)
    listings_refresh()
    assert "¥300" not in client.get("/en-US/models/?offers=1").content.decode()
    client.cookies["aigo_currency"] = "JPY"
    assert '¥300 <span class="muted">($3.00)</span>' in client.get("/en-US/models/?offers=1").content.decode()


# The model page also reads where each value comes from (sources, review decisions) and the
# scores of every offer of the model.
QUERIES = {"/en-US/models/bounded-0/": 15}


@pytest.mark.parametrize(
    "path",
    [
        "/en-US/",
        "/en-US/models/",
        "/en-US/models/bounded-0/",
        "/en-US/compare/?models=bounded-0,bounded-1,bounded-2",
        "/en-US/calculator/?models=bounded-0,bounded-1&input_tokens=1000",
        "/en-US/leaderboards/",
        "/en-US/providers/",
        "/en-US/providers/bounded/",
        "/en-US/status/",
        "/en-US/status/bounded-0/",
        "/en-US/incidents/",
        "/en-US/news/",
        "/en-US/news/bounded-story/",
        "/en-US/search/?q=bounded",
    ],
)
def test_every_page_needs_a_bounded_number_of_queries(client, settings, path, django_assert_max_num_queries):
    settings.AIGO_RESPONSE_CACHE = False  # count what rendering costs, not a cache hit
    provider = ProviderFactory(slug="bounded")
    for index in range(12):
        model = AIModelFactory(slug=f"bounded-{index}", provider=provider)
        PricingFactory(model=model)
    NewsArticleFactory(slug="bounded-story", is_featured=True)
    listings_refresh()
    with django_assert_max_num_queries(QUERIES.get(path, 12)):
        assert client.get(path).status_code == 200
