"""Pages built from cached parts ({% fragment %}, aigo.site.fragments) are the pages rendered whole,
byte for byte; a part is computed only when it is not cached, and a committed change reaches it."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog.listings import listings_refresh
from catalog.models import ExchangeRate, Pricing
from news.models import NewsArticle
from tests.catalog.factories import BenchmarkScoreFactory, DocumentationFactory, ModelEndpointFactory, ProviderFactory
from tests.db import stop_redis
from tests.news.factories import NewsArticleFactory, NewsModelMentionFactory
from tests.site.canonical_data import canonical, offer

pytestmark = pytest.mark.django_db

PATHS = [
    "/{locale}/",
    "/{locale}/models/",
    "/{locale}/models/?sort=name",
    "/{locale}/models/?offers=1&sort=input_price",
    "/{locale}/models/?provider=anthropic&min_context=1000",
    "/{locale}/models/?min_price=nonsense",
    "/{locale}/models/?page=9",
    "/{locale}/models/sonnet/",
    "/{locale}/models/sonnet-bedrock/",
    "/{locale}/models/glm-cny/",
    "/{locale}/models/c/sonnet/",
    "/{locale}/models/c/glm/",
]


@pytest.fixture
def catalog(settings):
    settings.AIGO_RESPONSE_CACHE = False  # every request runs the view: only the parts may be cached
    makers = {slug: ProviderFactory(slug=slug, name=slug.title()) for slug in ("anthropic", "bedrock", "router")}
    sonnet = canonical("sonnet", makers["anthropic"], released_at=datetime.date(2025, 9, 29), context_window=200_000)
    own = offer(sonnet, makers["anthropic"], "sonnet", "3", "15")
    resold = offer(sonnet, makers["bedrock"], "sonnet-bedrock", "3.3", "16.5")
    glm = canonical("glm", makers["router"])
    offer(glm, makers["router"], "glm-cny", "4", "8", currency="CNY")
    for currency, rate in (("USD", "1.1"), ("CNY", "8")):  # per euro
        ExchangeRate.objects.create(currency=currency, rate=Decimal(rate), effective_date=timezone.localdate())
    BenchmarkScoreFactory(model=own)
    DocumentationFactory(model=own)
    ModelEndpointFactory(model=resold, region="eu-west")
    NewsModelMentionFactory(model=own, news=NewsArticleFactory(is_featured=True))
    listings_refresh()
    return {"own": own, "resold": resold}


def _pages(client, locale: str, currency: str) -> dict[str, bytes]:
    client.cookies["aigo_currency"] = currency
    pages = {}
    for path in PATHS:
        response = client.get(path.format(locale=locale))
        assert response.status_code == 200, path
        pages[path] = response.content
    return pages


@pytest.mark.parametrize(("locale", "currency"), [("en-US", "USD"), ("ja-JP", "EUR"), ("zh-CN", "CNY")])
def test_a_page_from_its_parts_is_the_page_rendered_whole(client, settings, catalog, locale, currency):
    settings.AIGO_FRAGMENT_CACHE = False
    whole = _pages(client, locale, currency)
    settings.AIGO_FRAGMENT_CACHE = True
    parts_rendered = _pages(client, locale, currency)
    parts_cached = _pages(client, locale, currency)
    for path in PATHS:
        assert parts_rendered[path] == whole[path], path
        assert parts_cached[path] == whole[path], path


def test_cached_parts_leave_a_page_next_to_no_queries(client, catalog):
    expected = dict.fromkeys(["/en-US/", "/en-US/models/", "/en-US/models/sonnet/", "/en-US/models/c/sonnet/"], 0)
    for path in expected:
        client.get(path)
    for path, queries in expected.items():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        assert len(captured) == queries, (path, [query["sql"] for query in captured])


def test_a_committed_change_reaches_the_parts_that_show_it(client, catalog, django_capture_on_commit_callbacks):
    assert "$3.00" in client.get("/en-US/models/sonnet/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        Pricing.objects.filter(model=catalog["own"]).get().delete()
        Pricing.objects.create(
            model=catalog["own"],
            currency="USD",
            input_per_million=Decimal("2.25"),
            output_per_million=Decimal("15"),
            effective_from=datetime.date(2025, 1, 1),
        )
        listings_refresh()
    html = client.get("/en-US/models/sonnet/").content.decode()
    assert "$2.25" in html and "$3.00" not in html
    assert "$2.25" in client.get("/en-US/models/").content.decode()


def test_each_part_changes_only_with_what_it_shows(client, catalog, django_capture_on_commit_callbacks):
    """A news change re-renders the news parts; the model's facts and prices stay cached."""
    client.get("/en-US/models/sonnet/")
    with django_capture_on_commit_callbacks(execute=True):
        NewsArticle.objects.update(title={"en-US": "A retitled article"})
        NewsArticleFactory()  # saved through the model: invalidates "news"
    with CaptureQueriesContext(connection) as captured:
        html = client.get("/en-US/models/sonnet/").content.decode()
    assert "A retitled article" in html
    assert not any("pricing" in query["sql"] for query in captured)


def test_pages_render_whole_when_redis_is_down(client, settings, catalog):
    settings.AIGO_FRAGMENT_CACHE = False
    whole = _pages(client, "en-US", "USD")
    settings.AIGO_FRAGMENT_CACHE = True
    stop_redis(settings)
    assert _pages(client, "en-US", "USD") == whole
