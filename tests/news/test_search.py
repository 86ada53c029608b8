"""News in the shared search endpoint: ranked with models and providers, published only."""

import datetime

import pytest
from django.utils import timezone

from catalog.listings import listings_refresh
from news.selectors import news_search
from tests.catalog.factories import AIModelFactory, ProviderFactory

from .factories import NewsArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles():
    return {
        "launch": NewsArticleFactory(
            title={"en-US": "Anthropic releases Claude Opus", "zh-CN": "Anthropic 发布 Claude Opus 新模型"},
            summary={"en-US": "The strongest reasoning model yet."},
        ),
        "pricing": NewsArticleFactory(title={"en-US": "Gemini prices fall"}, summary={"en-US": "Cheaper tokens."}),
        "scheduled": NewsArticleFactory(
            title={"en-US": "Claude Opus secret sequel"}, published_at=timezone.now() + datetime.timedelta(hours=2)
        ),
        "draft": NewsArticleFactory(title={"en-US": "Claude Opus draft"}, published_at=None),
    }


def _search(client, q, **params) -> list[tuple[str, str]]:
    response = client.get("/api/v1/search/", {"q": q, **params})
    assert response.status_code == 200, response.content
    return [(row["type"], row["slug"]) for row in response.json()["results"]]


def test_search_news_matches_titles_summaries_substrings_and_typos(articles):
    def found(query):
        return [article.slug for article, _rank in news_search(query=query, locale="en-US", limit=10)]

    assert found("claude opus") == ["anthropic-releases-claude-opus"]
    assert found("reasoning") == ["anthropic-releases-claude-opus"]  # the summary, stemmed
    assert found("发布") == ["anthropic-releases-claude-opus"]  # a CJK substring of a title
    assert found("gemni prices") == ["gemini-prices-fall"]  # a typo
    assert found("   ") == []


def test_search_endpoint_ranks_news_with_models_and_hides_unpublished(client, articles):
    anthropic = ProviderFactory(slug="anthropic", name="Anthropic")
    AIModelFactory(provider=anthropic, slug="claude-opus", name={"en-US": "Claude Opus"})
    listings_refresh()
    results = _search(client, "claude opus")
    assert results[0] == ("model", "claude-opus")  # an exact name outranks a headline mentioning it
    assert ("news", "anthropic-releases-claude-opus") in results
    assert not {("news", articles["scheduled"].slug), ("news", articles["draft"].slug)} & set(results)


def test_search_result_names_news_by_localized_title(client, articles):
    response = client.get("/api/v1/search/", {"q": "Claude Opus", "locale": "zh-CN"})
    news = [row for row in response.json()["results"] if row["type"] == "news"]
    assert news[0]["name"] == "Anthropic 发布 Claude Opus 新模型"
    assert 0 < news[0]["rank"] <= 1
