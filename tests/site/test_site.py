"""The site's frame: locale in the URL, the switcher, alternates, error pages, home and search."""

import re
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

import pytest
from django.utils import timezone

from accounts.models import UserPreference
from accounts.preferences import as_visitor
from aigo.site.errors import server_error
from catalog.listings import listings_refresh
from catalog.models import ExchangeRate
from tests.catalog.factories import AIModelFactory, PricingFactory

pytestmark = pytest.mark.django_db


def test_the_root_sends_visitors_to_their_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="ja,en;q=0.5")
    assert response.status_code == 302 and response["Location"] == "/ja-JP/"
    assert "Accept-Language" in response["Vary"] and "Cookie" in response["Vary"]
    client.cookies["aigo_locale"] = "zh-CN"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="ja").headers["Location"] == "/zh-CN/"


def test_the_home_page_speaks_the_urls_locale(client):
    response = client.get("/ja-JP/")
    html = response.content.decode()
    assert response.status_code == 200 and response["Content-Language"] == "ja-JP"
    assert '<html lang="ja-JP">' in html and "AIモデルを比較" in html
    assert "AI 模型对比" in client.get("/zh-CN/").content.decode()
    assert "KI-Modelle im Vergleich" in client.get("/de-DE/").content.decode()


def test_every_page_lists_its_alternates_and_canonical(client, settings):
    html = client.get("/ja-JP/search/?q=x").content.decode()
    alternates = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))
    assert set(alternates) == {*settings.AIGO_LOCALES, "x-default"}
    assert alternates["zh-CN"] == "http://testserver/zh-CN/search/"
    assert alternates["x-default"] == "http://testserver/en-US/search/"
    assert '<link rel="canonical" href="http://testserver/ja-JP/search/">' in html


def test_home_needs_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    for index in range(10):
        PricingFactory(model=AIModelFactory(slug=f"m{index}"), effective_from=date(2026, 1, index + 1))
    with django_assert_max_num_queries(5):
        assert client.get("/en-US/").status_code == 200


def test_prices_are_converted_with_the_rate_named_and_the_original_shown(client):
    today = timezone.localdate()
    PricingFactory(
        model=AIModelFactory(slug="priced"),
        currency="USD",
        input_per_million=Decimal("2.50"),
        output_per_million=Decimal("10"),
        effective_from=today - timedelta(days=1),
    )
    ExchangeRate.objects.create(currency="USD", rate=Decimal("1.25"), effective_date=today - timedelta(days=3))
    ExchangeRate.objects.create(currency="JPY", rate=Decimal("150"), effective_date=today - timedelta(days=2))
    client.cookies["aigo_currency"] = "JPY"
    html = client.get("/en-US/").content.decode()
    assert "¥300" in html and "($2.50)" in html
    assert "1 USD = 120 JPY (editor, " in html


def test_an_unknown_locale_or_page_gets_a_friendly_404_in_the_visitors_language(client):
    response = client.get("/xx-XX/")
    assert response.status_code == 404 and "Page not found" in response.content.decode()
    response = client.get("/ja-JP/no-such-page/")
    assert response.status_code == 404
    assert '<html lang="ja-JP">' in response.content.decode() and "ページが見つかりません" in response.content.decode()


def test_the_500_page_needs_nothing_but_a_template(rf):
    response = server_error(rf.get("/zh-CN/models/"))
    assert response.status_code == 500 and "出错了" in response.content.decode()


def test_the_switcher_stores_the_choice_in_cookies_and_the_protected_table(client):
    response = client.post(
        "/ja-JP/preferences",
        {"locale": "zh-CN", "region": "eu-west", "currency": "eur", "next": "/ja-JP/search/?q=gpt"},
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    assert response.status_code == 302 and response["Location"] == "/zh-CN/search/?q=gpt"
    cookies = {name: morsel.value for name, morsel in response.cookies.items()}
    assert (cookies["aigo_locale"], cookies["aigo_region"], cookies["aigo_currency"]) == ("zh-CN", "eu-west", "EUR")
    assert response.cookies["aigo_currency"]["httponly"] and response.cookies["aigo_currency"]["samesite"] == "Lax"
    with as_visitor(cookies["aigo_visitor"]):
        stored = UserPreference.objects.get()
    assert (stored.preferred_locale, stored.preferred_region, stored.preferred_currency) == ("zh-CN", "eu-west", "EUR")
    page = client.get("/zh-CN/").content.decode()
    assert '<option value="EUR" selected>' in page and '<option value="eu-west" selected>' in page


def test_the_switcher_refuses_other_sites_forms_and_foreign_redirects(client):
    assert client.post("/en-US/preferences", {"locale": "ja-JP"}, HTTP_SEC_FETCH_SITE="cross-site").status_code == 403
    assert client.post("/en-US/preferences", {"locale": "ja-JP"}, HTTP_ORIGIN="https://evil.example").status_code == 403
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        response = client.post("/en-US/preferences", {"locale": "ja-JP", "next": target})
        assert response["Location"] == "/ja-JP/"
    assert client.get("/en-US/preferences").status_code == 405


def test_search_finds_models_and_providers(client):
    AIModelFactory(slug="claude-sonnet-4", name={"en-US": "Claude Sonnet 4"}, provider__name="Anthropic")
    listings_refresh()
    html = client.get("/en-US/search/?q=claude").content.decode()
    assert "Claude Sonnet 4" in html
    assert "Anthropic" in client.get("/en-US/search/?q=anthropic").content.decode()
    assert "Nothing matches" in client.get("/en-US/search/?q=zzzzqqq").content.decode()


def test_robots_txt_points_at_the_sitemap_and_keeps_crawlers_out_of_the_api(client):
    body = client.get("/robots.txt").content.decode()
    assert "Disallow: /api/" in body and "Sitemap: http://testserver/sitemap.xml" in body


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "null"},  # a sandboxed frame or a redirect chain: another site
        {"HTTP_REFERER": "https://evil.example/form"},  # no Origin: the Referer says where from
        {"HTTP_ORIGIN": "https://testserver"},  # this host, but not this scheme (http)
        {"HTTP_ORIGIN": "http://testserver:8080"},  # this host, another port
        {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "http://testserver"},
    ],
)
def test_the_switcher_refuses_every_other_sites_form(client, headers):
    response = client.post("/en-US/preferences", {"locale": "ja-JP", "next": "/"}, **headers)

    assert response.status_code == 403
    assert "aigo_locale" not in response.cookies


@pytest.mark.parametrize(
    "headers",
    [{"HTTP_ORIGIN": "http://testserver"}, {"HTTP_REFERER": "http://testserver/en-US/"}, {}],
)
def test_the_switcher_takes_this_sites_form(client, headers):
    assert client.post("/en-US/preferences", {"locale": "ja-JP", "next": "/"}, **headers).status_code == 302


def test_prices_that_start_together_list_in_one_order(client):
    """Rows of one import share their date and their created_at (the transaction's time): the
    page must not depend on the order PostgreSQL happens to return them in (its cached and
    uncached renders are compared byte for byte: tests/site/test_page_parts.py)."""
    for number in (3, 1, 5, 2, 6, 4):
        PricingFactory(
            id=UUID(int=number), model=AIModelFactory(slug=f"tied-{number}"), effective_from=date(2026, 1, 1)
        )
    html = client.get("/en-US/").content.decode()
    assert re.findall(r"/en-US/models/(tied-\d)/", html) == [f"tied-{number}" for number in range(6, 0, -1)]
