"""The "What changed" page and the Atom / RSS feeds of change events."""

import datetime
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog.models import AIModel, ExchangeRate, Pricing
from tests.catalog.factories import AIModelFactory, PricingFactory, ProviderFactory
from tests.db import no_change_events
from tests.news.factories import NewsArticleFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("owner_session")]  # no_change_events

ATOM = "{http://www.w3.org/2005/Atom}"
TODAY = timezone.localdate()


@pytest.fixture
def changes():
    """gpt-4o's input price down 20 %, claude deprecated, an article published."""
    with no_change_events():  # made before the changes
        gpt = AIModelFactory(
            slug="gpt-4o", name={"en-US": "GPT-4o", "ja-JP": "GPT-4o (ja)"}, provider=ProviderFactory(slug="openai")
        )
        claude = AIModelFactory(slug="claude", name={"en-US": "Claude"}, provider=ProviderFactory(slug="anthropic"))
    PricingFactory(model=gpt, input_per_million=Decimal("2.50"), effective_from=TODAY - datetime.timedelta(days=30))
    Pricing.objects.filter(model=gpt).update(effective_to=TODAY - datetime.timedelta(days=1))
    PricingFactory(model=gpt, input_per_million=Decimal("2.00"), effective_from=TODAY)
    AIModel.objects.filter(pk=claude.pk).update(deprecated_at=TODAY)
    NewsArticleFactory(slug="big-news", title={"en-US": "Big news"})


def test_the_page_shows_each_price_change_with_its_percent_in_the_visitors_currency(client, changes):
    ExchangeRate.objects.create(currency="USD", rate=Decimal("2"), effective_date=TODAY)  # per euro
    client.cookies["aigo_currency"] = "EUR"

    html = client.get("/en-US/changes/").content.decode()

    assert "GPT-4o: new price" in html and "Claude is deprecated" in html and "News: Big news" in html
    assert "€1.25" in html and "€1.00" in html and "($2.00)" in html and "(−20 %)" in html.replace("-", "−")


def test_filters_narrow_the_page_and_the_feed_link_keeps_them(client, changes):
    html = client.get("/en-US/changes/?what=lifecycle&days=30").content.decode()

    assert "Claude is deprecated" in html and "new price" not in html and "Big news" not in html
    assert 'href="/changes/feed/en-US/atom.xml?types=model.deprecated%2Cmodel.retiring%2Cmodel.retired"' in html
    html = client.get("/en-US/changes/?provider=openai&model=%3Cscript%3E").content.decode()
    assert "GPT-4o" in html and "Claude" not in html and "<script>" not in html


def test_the_page_needs_the_same_queries_however_many_changes(client, changes):
    counts = []
    for extra in (0, 10):
        for number in range(extra):
            AIModelFactory(slug=f"more-{number}")
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/en-US/changes/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_atom_feed_is_per_locale_and_takes_the_apis_filters(client, changes):
    response = client.get("/changes/feed/ja-JP/atom.xml?models=gpt-4o&types=price.changed,model.created")

    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert [entry.find(f"{ATOM}category").get("term") for entry in entries] == ["price.changed", "price.changed"]
    newest = entries[0]
    assert "GPT-4o (ja)" in newest.find(f"{ATOM}title").text
    assert newest.find(f"{ATOM}link").get("href").endswith("/ja-JP/models/gpt-4o/")
    assert "-20.0 %" in newest.find(f"{ATOM}summary").text


def test_the_rss_feed_and_bad_filters(client, changes):
    rss = ET.fromstring(client.get("/changes/feed/en-US/rss.xml").content)
    assert len(rss.findall("channel/item")) == 4

    response = client.get("/changes/feed/en-US/atom.xml?types=nope")
    assert response.status_code == 400 and response.json()["error"]["code"] == "unknown_type"
    assert client.get("/changes/feed/xx/atom.xml").status_code == 404
