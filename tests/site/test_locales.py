"""Each of the site's eight locales: its own language, currency, number and date formats, and
the language tags of its feeds and sitemaps."""

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.translation import gettext

from aigo.i18n import translated
from aigo.i18n.formatting import day
from catalog.models import ExchangeRate
from status.incidents import incident_open
from tests.catalog.factories import AIModelFactory, PricingFactory
from tests.news.factories import NewsArticleFactory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NAV = ["Home", "Models", "Compare", "Price calculator", "Leaderboards", "Providers", "Status", "News", "Lifecycle"]
HOME_TITLE = "AI models: prices, benchmarks, status and news"
RATES = {"USD": "1.25", "CNY": "8.00", "TWD": "35.00", "JPY": "160", "KRW": "1500"}  # per EUR
# locale: (its default currency, $2.50 in it, 2025-09-29, 200,000 (tokens of context))
WRITTEN = {
    "en-US": ("USD", "$2.50", "Sep 29, 2025", "200,000"),
    "zh-CN": ("CNY", "¥16.00", "2025年9月29日", "200,000"),
    "zh-TW": ("TWD", "$70.00", "2025年9月29日", "200,000"),
    "ja-JP": ("JPY", "￥320", "2025/09/29", "200,000"),
    "ko-KR": ("KRW", "₩3,000", "2025. 9. 29.", "200,000"),
    "de-DE": ("EUR", "2,00\xa0€", "29.09.2025", "200.000"),
    "fr-FR": ("EUR", "2,00\xa0€", "29 sept. 2025", "200\u202f000"),
    "es-ES": ("EUR", "2,00\xa0€", "29 sept 2025", "200.000"),
}


@pytest.fixture
def priced():
    today = timezone.localdate()
    model = AIModelFactory(slug="priced", released_at=date(2025, 9, 29), context_window=200_000)
    PricingFactory(
        model=model,
        currency="USD",
        input_per_million=Decimal("2.50"),
        output_per_million=Decimal("10"),
        effective_from=today - timedelta(days=1),
    )
    for currency, rate in RATES.items():
        ExchangeRate.objects.create(
            currency=currency, rate=Decimal(rate), effective_date=today - timedelta(days=2), source="ecb"
        )
    return model


def _in(locale: str, text: str) -> str:
    with translated(locale):
        return gettext(text)


@pytest.mark.parametrize("locale", WRITTEN)
def test_each_locale_reads_in_its_language_with_its_currency_and_formats(client, priced, locale):
    currency, price, released, context = WRITTEN[locale]
    response = client.get(f"/{locale}/")
    html = response.content.decode()
    assert response["Content-Language"] == locale and f'<html lang="{locale}">' in html
    assert f"<title>{_in(locale, HOME_TITLE)} · AI-GO</title>" in html
    nav = html[html.index('<nav class="site-nav"') : html.index("</nav>")]
    assert re.findall(r"<a [^>]*>([^<]+)</a>", nav)[: len(NAV)] == [_in(locale, label) for label in NAV]
    assert f'<option value="{currency}" selected>' in html  # no cookie: the locale's currency
    if locale != "en-US":
        assert _in(locale, HOME_TITLE) != HOME_TITLE

    page = client.get(f"/{locale}/models/priced/").content.decode()
    assert price in page and released in page
    assert _in(locale, "%(count)s tokens") % {"count": context} in page


def test_incidents_and_days_are_written_in_the_pages_language(client, priced):
    incident_open(model=priced, severity="major", title="Errors", message="Looking.")
    html = client.get("/de-DE/").content.decode()
    assert "Schwer · Wird untersucht" in html  # severity and status, from the incident's choices
    assert f"<td>{day(timezone.localdate() - timedelta(days=1), 'de-DE')}</td>" in html  # a price's start


def test_a_currency_without_a_rate_says_so_and_keeps_the_published_price(client, priced):
    ExchangeRate.objects.filter(currency="TWD").delete()
    page = client.get("/zh-TW/models/priced/").content.decode()
    assert "US$2.50" in page
    note = "No %(source)s to %(target)s exchange rate yet: prices in %(source)s are shown as published"
    assert _in("zh-TW", note) % {"source": "USD", "target": "TWD"} in page


@pytest.mark.parametrize("locale", WRITTEN)
def test_the_feeds_carry_the_locales_language_tag_and_titles(client, locale):
    NewsArticleFactory(title={"en-US": "Launch"})
    channel = ET.fromstring(client.get(f"/news/feed/{locale}/rss.xml").content).find("channel")
    assert channel.findtext("language") == locale
    assert channel.findtext("title") == _in(locale, "AI-GO news")
    for path, title in (
        (f"/news/feed/{locale}/atom.xml", "AI-GO news"),
        (f"/changes/feed/{locale}/atom.xml", "AI-GO: what changed"),
        (f"/{locale}/lifecycle/atom.xml", "AI-GO: model lifecycle"),
    ):
        feed = ET.fromstring(client.get(path).content)
        assert feed.get(XML_LANG) == locale, path
        assert feed.findtext(f"{ATOM}title") == _in(locale, title), path


def test_the_sitemap_gives_every_address_its_translations_as_hreflang_alternates(client, settings):
    AIModelFactory(slug="mapped")
    urls = ET.fromstring(client.get("/sitemap-models.xml").content).findall(f"{SITEMAP}url")
    assert len(urls) == len(settings.AIGO_LOCALES)
    for url in urls:
        alternates = {link.get("hreflang"): link.get("href") for link in url.findall(f"{XHTML}link")}
        assert set(alternates) == {*settings.AIGO_LOCALES, "x-default"}
        assert url.findtext(f"{SITEMAP}loc") in alternates.values()
        assert alternates["ko-KR"] == "http://testserver/ko-KR/models/mapped/"
        assert alternates["x-default"] == "http://testserver/en-US/models/mapped/"
