"""RSS 2.0 and Atom feeds: valid XML, localized, absolute links, correct dates, published only."""

import datetime
import re
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime

import pytest
from django.utils import timezone

from tests.catalog.factories import AIModelFactory

from .factories import NewsArticleFactory, NewsModelMentionFactory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


@pytest.fixture
def articles():
    model = AIModelFactory(slug="gpt-4o")
    older = NewsArticleFactory(
        title={"en-US": "Old news", "ja-JP": "古いニュース"},
        summary={"en-US": "Old summary"},
        published_at=timezone.now() - datetime.timedelta(days=2),
    )
    newer = NewsArticleFactory(title={"en-US": "New news"}, published_at=timezone.now() - datetime.timedelta(hours=1))
    NewsModelMentionFactory(news=newer, model=model)
    scheduled = NewsArticleFactory(
        title={"en-US": "Future news"}, published_at=timezone.now() + datetime.timedelta(days=1)
    )
    NewsModelMentionFactory(news=scheduled, model=model)
    NewsArticleFactory(title={"en-US": "Draft news"}, published_at=None)
    return {"older": older, "newer": newer}


def _xml(client, path: str) -> ET.Element:
    response = client.get(path)
    assert response.status_code == 200, response.content
    return ET.fromstring(response.content)


def test_rss_lists_published_articles_with_rfc822_dates_and_absolute_links(client, articles):
    channel = _xml(client, "/news/feed/ja-JP/rss.xml").find("channel")
    assert channel.findtext("language") == "ja-JP"
    assert channel.findtext("link") == "http://testserver/ja-JP/news/"
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == ["New news", "古いニュース"]  # ja-JP, else en-US
    older = items[1]
    assert older.findtext("link") == "http://testserver/ja-JP/news/old-news/"
    assert older.findtext("description") == "Old summary"
    published = parsedate_to_datetime(older.findtext("pubDate"))  # RFC 822 / 2822
    assert published == articles["older"].published_at.replace(microsecond=0)
    assert older.findtext("guid") == f"urn:uuid:{articles['older'].id}"


def test_atom_has_rfc3339_published_and_updated_dates(client, articles):
    feed = _xml(client, "/news/feed/en-US/atom.xml")
    entries = feed.findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == ["New news", "Old news"]
    entry = entries[1]
    assert entry.find(f"{ATOM}link").get("href") == "http://testserver/en-US/news/old-news/"
    published, updated = entry.findtext(f"{ATOM}published"), entry.findtext(f"{ATOM}updated")
    assert RFC3339.match(published) and RFC3339.match(updated)
    assert datetime.datetime.fromisoformat(published) == articles["older"].published_at
    articles["older"].refresh_from_db()
    assert datetime.datetime.fromisoformat(updated) == articles["older"].updated_at


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_model_feeds_list_only_articles_mentioning_the_model(client, articles, kind):
    root = _xml(client, f"/news/feed/en-US/models/gpt-4o/{kind}.xml")
    titles = [node.text for node in root.iter() if node.tag in ("title", f"{ATOM}title")]
    assert "New news" in titles
    assert "Old news" not in titles and "Future news" not in titles


@pytest.mark.parametrize(
    "path", ["/news/feed/xx-XX/rss.xml", "/news/feed/ja/atom.xml", "/news/feed/en-US/models/nobody/rss.xml"]
)
def test_unknown_locale_or_model_is_404(client, path):
    assert client.get(path).status_code == 404
