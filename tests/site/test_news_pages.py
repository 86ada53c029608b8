"""News on the site: lists by category and tag, the article (sanitized, counted), and news on
the home, model and search pages."""

import datetime

import pytest
from django.utils import timezone

from analytics.trending import trending_record
from catalog.listings import listings_refresh
from news.view_counts import article_view_count
from tests.catalog.factories import AIModelFactory
from tests.news.factories import NewsArticleFactory, NewsModelMentionFactory

pytestmark = pytest.mark.django_db


def test_the_news_list_is_newest_first_and_hides_scheduled_articles(client, django_assert_max_num_queries):
    NewsArticleFactory(title={"en-US": "Older"}, published_at=timezone.now() - datetime.timedelta(days=2))
    NewsArticleFactory(title={"en-US": "Newer"}, published_at=timezone.now() - datetime.timedelta(days=1))
    NewsArticleFactory(title={"en-US": "Tomorrow"}, published_at=timezone.now() + datetime.timedelta(days=1))
    with django_assert_max_num_queries(4):
        html = client.get("/en-US/news/").content.decode()
    assert html.index("Newer") < html.index("Older") and "Tomorrow" not in html
    assert 'href="/news/feed/en-US/rss.xml"' in html


def test_category_and_tag_pages_filter(client):
    NewsArticleFactory(title={"en-US": "Price cut"}, category="pricing", tags=["openai"])
    NewsArticleFactory(title={"en-US": "New model"}, category="release", tags=["google"])
    html = client.get("/en-US/news/category/pricing/").content.decode()
    assert "Price cut" in html and "New model" not in html
    html = client.get("/en-US/news/tag/google/").content.decode()
    assert "New model" in html and "Price cut" not in html
    assert client.get("/en-US/news/category/gossip/").status_code == 404


def test_an_article_is_rendered_sanitized_in_the_visitors_locale_and_counted(client):
    article = NewsArticleFactory(
        slug="launch",
        title={"en-US": "Launch", "ja-JP": "ローンチ"},
        content={
            "en-US": "Hello **world** <script>alert(1)</script> [x](javascript:alert(1))",
            "ja-JP": "こんにちは **世界**",
        },
    )
    NewsModelMentionFactory(news=article, model__slug="gpt-x")
    html = client.get("/ja-JP/news/launch/").content.decode()
    assert "<h1>ローンチ</h1>" in html and "<strong>世界</strong>" in html
    assert "/ja-JP/models/gpt-x/" in html and "主な話題" in html  # the mention type, translated
    english = client.get("/en-US/news/launch/").content.decode()
    assert "<script>alert" not in english and 'href="javascript:' not in english
    assert article_view_count(article) == 2
    assert '<meta property="og:type" content="article">' in english


def test_an_article_in_another_language_says_so(client):
    NewsArticleFactory(slug="only-english", title={"en-US": "Only English"})
    html = client.get("/zh-CN/news/only-english/").content.decode()
    assert "Only English" in html and 'class="notice"' in html


def test_scheduled_and_unknown_articles_are_404(client):
    NewsArticleFactory(slug="later", published_at=timezone.now() + datetime.timedelta(hours=1))
    assert client.get("/en-US/news/later/").status_code == 404
    assert client.get("/en-US/news/nothing/").status_code == 404


def test_home_shows_trending_models_and_featured_news(client):
    hot, warm = AIModelFactory(slug="hot", name={"en-US": "Hot"}), AIModelFactory(slug="warm", name={"en-US": "Warm"})
    trending_record(model_ids=[str(hot.id), str(hot.id), str(warm.id)])
    NewsArticleFactory(title={"en-US": "Big story"}, is_featured=True)
    NewsArticleFactory(title={"en-US": "Small story"}, is_featured=False)
    html = client.get("/en-US/").content.decode()
    assert html.index(">Hot<") < html.index(">Warm<")
    assert "Big story" in html and "Small story" not in html


def test_the_model_page_lists_its_news_and_search_finds_articles(client):
    mention = NewsModelMentionFactory(news__title={"en-US": "Gemini gets faster"}, model__slug="gemini-x")
    listings_refresh()
    assert "Gemini gets faster" in client.get("/en-US/models/gemini-x/").content.decode()
    html = client.get("/en-US/search/?q=faster").content.decode()
    assert f"/en-US/news/{mention.news.slug}/" in html
