"""The news read API as a client sees it."""

import datetime

import pytest
from django.utils import timezone

from aigo.redis import redis_client
from news import view_counts
from news.models import NewsArticle
from tests.catalog.factories import AIModelFactory

from .factories import NewsArticleFactory, NewsModelMentionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.pgbouncer]
API = "/api/v1"
NOW = timezone.now()


def _days_ago(days: float) -> datetime.datetime:
    return NOW - datetime.timedelta(days=days)


@pytest.fixture
def news():
    gpt = AIModelFactory(slug="gpt-4o", name={"en-US": "GPT-4o", "ja-JP": "GPT-4o（日本語）"})
    claude = AIModelFactory(slug="claude", name={"en-US": "Claude"})
    launch = NewsArticleFactory(
        title={"en-US": "GPT-4o launches", "ja-JP": "GPT-4o 発表"},
        summary={"en-US": "A new model.", "ja-JP": "新しいモデル。"},
        content={"en-US": "# Launch\n\n<script>alert(1)</script> [docs](https://example.com)", "ja-JP": "# 発表"},
        category="release",
        tags=["openai", "multimodal"],
        is_featured=True,
        published_at=_days_ago(1),
    )
    NewsModelMentionFactory(news=launch, model=gpt, mention_type="primary")
    NewsModelMentionFactory(news=launch, model=claude, mention_type="comparison")
    prices = NewsArticleFactory(
        title={"en-US": "Claude gets cheaper"}, category="pricing", tags=["anthropic"], published_at=_days_ago(3)
    )
    NewsModelMentionFactory(news=prices, model=claude)
    scheduled = NewsArticleFactory(title={"en-US": "Tomorrow's secret"}, published_at=NOW + datetime.timedelta(days=1))
    NewsModelMentionFactory(news=scheduled, model=gpt)
    draft = NewsArticleFactory(title={"en-US": "Unfinished draft"}, published_at=None)
    return {"gpt": gpt, "claude": claude, "launch": launch, "prices": prices, "scheduled": scheduled, "draft": draft}


def _slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


def test_list_shows_published_articles_newest_first_with_their_models(client, news, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):  # the page and its mentions
        response = client.get(f"{API}/news/")
    assert _slugs(response) == ["gpt-4o-launches", "claude-gets-cheaper"]
    first = response.json()["results"][0]
    assert first["title"] == "GPT-4o launches"
    assert first["models"] == [
        {"slug": "claude", "name": "Claude", "mention_type": "comparison"},
        {"slug": "gpt-4o", "name": "GPT-4o", "mention_type": "primary"},
    ]
    assert first["available_locales"] == ["en-US", "ja-JP"]
    assert "content_html" not in first


def test_list_query_count_does_not_grow_with_the_page(client, django_assert_max_num_queries):
    for article in NewsArticleFactory.create_batch(30):
        NewsModelMentionFactory(news=article)
    with django_assert_max_num_queries(2):
        assert len(_slugs(client.get(f"{API}/news/", {"page_size": 25}))) == 25


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"category": "pricing"}, ["claude-gets-cheaper"]),
        ({"tag": "openai"}, ["gpt-4o-launches"]),
        ({"model": "claude"}, ["gpt-4o-launches", "claude-gets-cheaper"]),
        ({"model": "nobody"}, []),
        ({"available_in": "ja-JP"}, ["gpt-4o-launches"]),
        ({"available_in": "ja"}, ["gpt-4o-launches"]),
        ({"featured": "true"}, ["gpt-4o-launches"]),
        ({"featured": "false"}, ["claude-gets-cheaper"]),
        ({"from": _days_ago(2).date().isoformat()}, ["gpt-4o-launches"]),
        ({"to": _days_ago(2).date().isoformat()}, ["claude-gets-cheaper"]),
        ({"from": _days_ago(3).date().isoformat(), "to": _days_ago(1).date().isoformat()},
         ["gpt-4o-launches", "claude-gets-cheaper"]),
    ],
)  # fmt: skip
def test_list_filters(client, news, params, expected):
    assert _slugs(client.get(f"{API}/news/", params)) == expected


@pytest.mark.parametrize(
    "params, field",
    [
        ({"category": "gossip"}, "category"),
        ({"available_in": "xx-YY"}, "available_in"),
        ({"from": "yesterday"}, "from"),
        ({"from": "2025-02-01", "to": "2025-01-01"}, "to"),
        ({"featured": "maybe"}, "featured"),
    ],
)
def test_bad_filters_are_400_with_the_field_named(client, news, params, field):
    response = client.get(f"{API}/news/", params)
    assert response.status_code == 400
    assert field in response.json()["error"]["details"]["fields"]


def test_cursor_pages_through_everything_once(client):
    NewsArticleFactory.create_batch(7)
    seen, url = [], f"{API}/news/?page_size=3"
    while url:
        body = client.get(url).json()
        seen += [row["slug"] for row in body["results"]]
        url = body["next"]
    assert len(seen) == len(set(seen)) == 7
    assert seen == list(NewsArticle.objects.order_by("-published_at").values_list("slug", flat=True))


@pytest.mark.parametrize("params", [{"cursor": "garbage"}, {"page_size": "0"}, {"page_size": "1000"}])
def test_bad_cursor_or_page_size_is_400(client, params):
    response = client.get(f"{API}/news/", params)
    assert response.status_code == 400
    assert response.json()["error"]["code"] in {"invalid_cursor", "invalid_page_size"}


def test_detail_gives_localized_text_markdown_and_sanitized_html(client, news):
    response = client.get(f"{API}/news/gpt-4o-launches/", {"locale": "ja-JP"})
    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "GPT-4o 発表"
    assert body["content_markdown"] == "# 発表"
    assert body["content_html"] == "<h1>発表</h1>\n"
    english = client.get(f"{API}/news/gpt-4o-launches/", {"locale": "de-DE"}).json()  # falls back to en-US
    assert "<script>" not in english["content_html"] and "&lt;script&gt;" in english["content_html"]
    assert 'rel="nofollow noopener"' in english["content_html"]
    assert english["content_markdown"].startswith("# Launch")


def test_detail_with_every_locale_gives_maps(client, news):
    body = client.get(f"{API}/news/gpt-4o-launches/", {"locale": "*"}).json()
    assert set(body["title"]) == {"en-US", "ja-JP"}
    assert body["content_html"]["ja-JP"] == "<h1>発表</h1>\n"
    assert body["models"][1]["name"] == {"en-US": "GPT-4o", "ja-JP": "GPT-4o（日本語）"}


def test_each_detail_request_counts_a_view_and_shows_the_live_count(client, news):
    for expected in (1, 2, 3):
        assert client.get(f"{API}/news/gpt-4o-launches/").json()["view_count"] == expected
    view_counts.article_views_flush()
    assert client.get(f"{API}/news/gpt-4o-launches/").json()["view_count"] == 4


def test_detail_works_with_redis_down(client, news, redis_down):
    response = client.get(f"{API}/news/gpt-4o-launches/")
    assert response.status_code == 200
    assert response.json()["view_count"] == 0


@pytest.mark.parametrize("article", ["scheduled", "draft"])
def test_scheduled_and_draft_articles_are_404_and_absent(client, news, article):
    slug = news[article].slug
    response = client.get(f"{API}/news/{slug}/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert slug not in _slugs(client.get(f"{API}/news/"))
    assert slug not in _slugs(client.get(f"{API}/models/gpt-4o/news/"))
    assert not redis_client().exists(view_counts._pending_key()), "no view counted for a hidden article"


def test_model_news_lists_articles_mentioning_the_model(client, news, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):  # the model's existence, the page, its mentions
        assert _slugs(client.get(f"{API}/models/claude/news/")) == ["gpt-4o-launches", "claude-gets-cheaper"]
    assert _slugs(client.get(f"{API}/models/claude/news/", {"category": "pricing"})) == ["claude-gets-cheaper"]
    assert client.get(f"{API}/models/nobody/news/").status_code == 404
    assert client.get(f"{API}/models/claude/news/", {"model": "gpt-4o"}).status_code == 400


def test_lists_are_cached_and_dropped_when_news_changes(client, news, django_capture_on_commit_callbacks):
    assert _slugs(client.get(f"{API}/news/")) == ["gpt-4o-launches", "claude-gets-cheaper"]
    cached = client.get(f"{API}/news/")
    assert "ETag" in cached
    with django_capture_on_commit_callbacks(execute=True):
        news["prices"].title = {"en-US": "Claude price cut"}
        news["prices"].save()
    assert client.get(f"{API}/news/").json()["results"][1]["title"] == "Claude price cut"
    with django_capture_on_commit_callbacks(execute=True):
        news["launch"].mentions.all().delete()
    assert client.get(f"{API}/models/claude/news/").json()["results"][0]["slug"] == "claude-gets-cheaper"


def test_scheduled_article_appears_once_its_time_comes(client, news, django_capture_on_commit_callbacks):
    from news.tasks import release_scheduled_news

    assert news["scheduled"].slug not in _slugs(client.get(f"{API}/news/"))
    NewsArticle.objects.filter(id=news["scheduled"].id).update(published_at=timezone.now())  # time passes
    with django_capture_on_commit_callbacks(execute=True):
        assert release_scheduled_news() is True
    assert _slugs(client.get(f"{API}/news/"))[0] == news["scheduled"].slug
