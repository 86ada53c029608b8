"""The catalog of models as their makers release them, and a model's offers side by side."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from analytics.trending import trending_record
from catalog.listings import listings_refresh
from catalog.models import ExchangeRate
from tests.catalog.factories import BenchmarkScoreFactory, ProviderFactory
from tests.site.canonical_data import canonical, offer, rows_of, section

pytestmark = pytest.mark.django_db


def _models(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/[^/]+/models/c/([^/]+)/">', html)


@pytest.fixture
def makers():
    return {
        slug: ProviderFactory(slug=slug, name=slug.title()) for slug in ("anthropic", "openai", "bedrock", "router")
    }


@pytest.fixture
def catalog(makers):
    sonnet = canonical("sonnet", makers["anthropic"], released_at=datetime.date(2025, 9, 29), context_window=200_000)
    gpt = canonical("gpt", makers["openai"], released_at=datetime.date(2024, 5, 13), context_window=128_000)
    ancient = canonical("ancient", makers["openai"])  # no release date: listed last
    offer(sonnet, makers["anthropic"], "sonnet", "3", "15")
    offer(sonnet, makers["bedrock"], "sonnet-bedrock", "3.3", "16.5")
    offer(sonnet, makers["router"], "sonnet-router", "2.7", "13.5")
    offer(gpt, makers["openai"], "gpt", "2.5", "10", modalities=["text", "image"])
    offer(ancient, makers["openai"], "ancient", "30", "60")
    listings_refresh()
    return {"sonnet": sonnet, "gpt": gpt, "ancient": ancient}


def test_the_catalog_lists_each_model_once_newest_first_with_its_best_price_and_offers(
    client, catalog, django_assert_num_queries
):
    BenchmarkScoreFactory(model=catalog["sonnet"].offers.get(slug="sonnet"), score_normalized=Decimal("77.2"))
    with django_assert_num_queries(8):
        html = client.get("/en-US/models/").content.decode()
    assert _models(html) == ["sonnet", "gpt", "ancient"]
    assert "3 models" in html
    sonnet_row = rows_of(html)[0]
    assert "Anthropic" in sonnet_row and ">3<" in sonnet_row  # maker, three offers
    assert "$2.70" in sonnet_row and "$13.50" in sonnet_row  # the cheapest offer's prices
    assert "200K" in sonnet_row and "Sep 29, 2025" in sonnet_row and "77.2" in sonnet_row


def test_the_catalog_sorts_by_popularity_and_by_name(client, catalog):
    gpt_offer = catalog["gpt"].offers.get()
    trending_record(model_ids=[str(gpt_offer.pk), str(gpt_offer.pk)])
    assert _models(client.get("/en-US/models/?sort=popular").content.decode()) == ["gpt", "sonnet", "ancient"]
    assert _models(client.get("/en-US/models/?sort=name").content.decode()) == ["ancient", "gpt", "sonnet"]


def test_without_views_the_most_offered_models_are_the_most_popular(client, catalog):
    assert _models(client.get("/en-US/models/?sort=popular").content.decode())[0] == "sonnet"


def test_filters_find_models_through_their_offers(client, catalog):
    assert _models(client.get("/en-US/models/?provider=bedrock").content.decode()) == ["sonnet"]
    assert _models(client.get("/en-US/models/?modality=image").content.decode()) == ["gpt"]
    assert _models(client.get("/en-US/models/?max_price=2.8").content.decode()) == ["sonnet", "gpt"]


def test_show_every_offer_lists_each_providers_offer_with_the_filters_kept(client, catalog):
    html = client.get("/en-US/models/?provider=bedrock&provider=router").content.decode()
    assert 'href="?provider=bedrock&amp;provider=router&amp;offers=1"' in html
    html = client.get("/en-US/models/?provider=bedrock&provider=router&offers=1").content.decode()
    assert re.findall(r'<th scope="row"><a href="/en-US/models/([^/]+)/">', html) == ["sonnet-bedrock", "sonnet-router"]
    assert "2 offers" in html and 'name="offers" value="1" checked' in html


def test_the_best_price_is_converted_into_the_visitors_currency(client, makers):
    ExchangeRate.objects.create(currency="USD", rate=Decimal("1"), effective_date=timezone.localdate())
    ExchangeRate.objects.create(currency="CNY", rate=Decimal("8"), effective_date=timezone.localdate())
    glm = canonical("glm", makers["router"])
    offer(glm, makers["router"], "glm-usd", "1", "2")
    offer(glm, makers["bedrock"], "glm-cny", "4", "8", currency="CNY")  # 0.50 / 1.00 USD
    listings_refresh()
    row = rows_of(client.get("/en-US/models/").content.decode())[0]
    assert "$0.50" in row and "(CN¥4.00)" in row


def test_a_catalog_page_needs_the_same_queries_however_many_models(client, settings, makers):
    settings.AIGO_RESPONSE_CACHE = False  # count what rendering costs
    counts = []
    for size in (2, 12):
        for index in range(size):
            model = canonical(f"m{size}-{index}", makers["openai"], released_at=datetime.date(2025, 1, index + 1))
            offer(model, makers["openai"], f"m{size}-{index}-a")
            BenchmarkScoreFactory(model=offer(model, makers["router"], f"m{size}-{index}-b", "2", "9"))
        listings_refresh()
        for sort in ("", "popular", "name"):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(f"/en-US/models/?sort={sort}").status_code == 200
            counts.append(len(queries))
    assert counts[:3] == counts[3:] and max(counts) <= 9


def test_the_canonical_page_shows_every_offer_side_by_side_and_names_the_cheapest(client, catalog, makers):
    free = offer(catalog["sonnet"], makers["openai"], "sonnet-free", "0", "0")
    html = client.get("/en-US/models/c/sonnet/").content.decode()
    offers = section(html, "offers-heading")
    rows = rows_of(offers)
    assert len(rows) == 4 and "Anthropic" in rows[0]  # the maker's own offer first
    cheapest = [row for row in rows if 'class="cheapest"' in row]
    assert len(cheapest) == 1 and "sonnet-router" in cheapest[0]  # a free offer is not a price
    assert "Cheapest now: Router" in offers and "$2.70" in offers
    assert free.slug in offers and "128K" in offers


def test_an_offers_page_shows_the_model_and_its_other_offers(client, catalog):
    html = client.get("/en-US/models/sonnet-bedrock/").content.decode()
    assert 'href="/en-US/models/c/sonnet/"' in html  # the model it is an offer of
    offers = section(html, "offers-heading")
    assert "this page" in rows_of(offers)[1] and "sonnet-router" in offers


def test_offers_show_live_availability_and_latency_where_probed(client, catalog):
    probed = catalog["sonnet"].offers.get(slug="sonnet-bedrock")
    bucket = timezone.now().replace(second=0, microsecond=0)
    bucket -= datetime.timedelta(minutes=bucket.minute % 5)
    with connection.cursor() as cursor:
        for region, availability, p95 in (("us-east", 99.0, 700), ("eu-west", 97.0, 900)):
            cursor.execute(
                "INSERT INTO status_5min (bucket, model_id, region, avg_availability, avg_latency_p50,"
                " avg_latency_p95, avg_latency_p99, avg_error_rate, total_requests, probe_count)"
                " VALUES (%s, %s, %s, %s, 300, %s, 1500, 0, 60, 5)",
                [bucket, probed.pk, region, availability, p95],
            )
    rows = rows_of(section(client.get("/en-US/models/c/sonnet/").content.decode(), "offers-heading"))
    bedrock = next(row for row in rows if "sonnet-bedrock" in row)
    assert "98.00%" in bedrock and "800 ms" in bedrock
    assert all("not probed" in row for row in rows if row is not bedrock)


def test_model_pages_need_the_same_queries_however_many_offers(client, settings, makers):
    settings.AIGO_RESPONSE_CACHE = False
    counts = []
    for size in (2, 8):
        model = canonical(f"wide-{size}", makers["anthropic"])
        for index in range(size):
            offer(model, makers["router"] if index else makers["anthropic"], f"wide-{size}-{index}")
        for path in (f"/en-US/models/c/wide-{size}/", f"/en-US/models/wide-{size}-1/"):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(path).status_code == 200
            counts.append(len(queries))
    assert counts[:2] == counts[2:]


def test_the_lifecycle_lists_only_the_dates_known_and_links_the_successor(client, makers):
    newer = canonical("newer", makers["openai"])
    old = canonical(
        "older",
        makers["openai"],
        released_at=datetime.date(2024, 1, 10),
        sunset_at=datetime.date(2026, 6, 30),
        successor=newer,
    )
    offer(old, makers["openai"], "older")
    offer(newer, makers["openai"], "newer")
    lifecycle = section(client.get("/en-US/models/c/older/").content.decode(), "lifecycle-heading")
    assert "Jan 10, 2024" in lifecycle and "Jun 30, 2026" in lifecycle
    assert "Deprecated" not in lifecycle and "–" not in lifecycle
    assert 'href="/en-US/models/c/newer/"' in lifecycle
    assert "lifecycle-heading" not in client.get("/en-US/models/c/newer/").content.decode()


def test_an_edited_model_shows_at_once(client, catalog, django_capture_on_commit_callbacks):
    assert "Sonnet" in client.get("/en-US/models/").content.decode()  # cached from here on
    with django_capture_on_commit_callbacks(execute=True):
        catalog["sonnet"].name = {"en-US": "Claude Sonnet 4.5"}
        catalog["sonnet"].save()
    assert "Claude Sonnet 4.5" in client.get("/en-US/models/").content.decode()
    assert "<h1>Claude Sonnet 4.5</h1>" in client.get("/en-US/models/c/sonnet/").content.decode()


def test_an_unknown_canonical_model_is_a_404(client):
    assert client.get("/en-US/models/c/no-such-model/").status_code == 404


def test_the_sitemap_lists_every_canonical_models_page(client, catalog):
    html = client.get("/sitemap-canonical-models.xml").content.decode()
    assert "<loc>http://testserver/ja-JP/models/c/sonnet/</loc>" in html
