"""news_articles and news_model_mentions: constraints, triggers and slugs, in SQL and through Django."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from news.models import NewsArticle, NewsModelMention, unique_slug
from tests.catalog.factories import AIModelFactory
from tests.db import sql

from .factories import NewsArticleFactory, NewsModelMentionFactory

pytestmark = pytest.mark.django_db


def _insert(**columns) -> str:
    names = ", ".join(columns)
    placeholders = ", ".join(["%s"] * len(columns))
    return sql(f"INSERT INTO news_articles ({names}) VALUES ({placeholders}) RETURNING id", list(columns.values()))[0][
        0
    ]


def _violates(statement: str, params=None) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        sql(statement, params)


def test_available_locales_follow_title_and_content_in_sql():
    article_id = _insert(
        slug="a",
        title='{"en-US": "Hello", "ja-JP": "こんにちは", "de-DE": "Hallo"}',
        content='{"en-US": "Body", "ja-JP": "本文", "fr-FR": "Texte", "de-DE": "  "}',
    )
    # de-DE has only blank content, fr-FR no title: neither is readable.
    assert sql("SELECT available_locales FROM news_articles WHERE id = %s", [article_id]) == [(["en-US", "ja-JP"],)]
    sql(
        """UPDATE news_articles SET content = content || '{"de-DE": "Text"}' WHERE id = %s""",
        [article_id],
    )
    assert sql("SELECT available_locales FROM news_articles WHERE id = %s", [article_id]) == [
        (["de-DE", "en-US", "ja-JP"],)
    ]
    # Nobody can set the derived column by hand.
    sql("UPDATE news_articles SET available_locales = '{ko-KR}' WHERE id = %s", [article_id])
    assert sql("SELECT available_locales FROM news_articles WHERE id = %s", [article_id]) == [
        (["de-DE", "en-US", "ja-JP"],)
    ]


def test_seed_defaults_apply_to_raw_inserts():
    article_id = _insert(slug="b", title='{"en-US": "T"}', content='{"en-US": "C"}')
    row = sql(
        "SELECT tags, locale_primary, view_count, is_featured, metadata, published_at FROM news_articles WHERE id = %s",
        [article_id],
    )[0]
    assert row == ([], "en-US", 0, False, "{}", None)


@pytest.mark.parametrize(
    "columns, constraint",
    [
        ({"title": '{"de-DE": "T"}', "content": '{"de-DE": "C"}', "locale_primary": "de-DE"}, "title_has_en_us"),
        ({"title": '{"en-US": "T"}', "content": '{"en-US": "C"}', "view_count": -1}, "view_count_non_negative"),
        ({"title": '{"en-US": "T"}', "content": '{"en-US": "C"}', "category": "gossip"}, "category_known"),
        ({"title": '{"en-US": "T"}', "content": '{"en-US": "C"}', "source_url": "javascript:x"}, "source_url_http"),
        ({"title": '{"en-US": "T"}', "content": '{"en-US": "C"}', "image_url": "ftp://x/y.png"}, "image_url_http"),
        ({"title": '{"en-US": "T"}', "content": '{"en-US": "C"}', "locale_primary": "ja-JP"}, "primary_locale"),
        ({"title": '{"en-US": "T"}'}, "primary_locale_available"),
    ],
)
def test_constraints_refuse_bad_rows_in_sql(columns, constraint):
    names = ", ".join(["slug", *columns])
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        sql(
            f"INSERT INTO news_articles ({names}) VALUES ('x', {', '.join(['%s'] * len(columns))})",
            list(columns.values()),
        )


def test_slug_is_unique_in_sql():
    _insert(slug="same", title='{"en-US": "T"}', content='{"en-US": "C"}')
    _violates(
        'INSERT INTO news_articles (slug, title, content) VALUES (\'same\', \'{"en-US": "T"}\', \'{"en-US": "C"}\')'
    )


def test_updated_at_moves_on_edits_but_not_on_view_counts():
    article = NewsArticleFactory()
    sql("UPDATE news_articles SET updated_at = now() - interval '1 day', view_count = 0 WHERE id = %s", [article.id])
    before = sql("SELECT updated_at FROM news_articles WHERE id = %s", [article.id])[0][0]
    sql("UPDATE news_articles SET view_count = view_count + 5 WHERE id = %s", [article.id])
    assert sql("SELECT updated_at FROM news_articles WHERE id = %s", [article.id])[0][0] == before
    sql("UPDATE news_articles SET is_featured = true WHERE id = %s", [article.id])
    assert sql("SELECT updated_at FROM news_articles WHERE id = %s", [article.id])[0][0] > before


def test_mentions_cascade_with_the_article_and_the_model_in_sql():
    mention = NewsModelMentionFactory()
    other = NewsModelMentionFactory(news=mention.news)
    sql("DELETE FROM models WHERE id = %s", [other.model_id])
    assert sql("SELECT count(*) FROM news_model_mentions WHERE news_id = %s", [mention.news_id]) == [(1,)]
    sql("DELETE FROM news_articles WHERE id = %s", [mention.news_id])
    assert sql("SELECT count(*) FROM news_model_mentions") == [(0,)]


def test_a_model_is_mentioned_once_per_article():
    mention = NewsModelMentionFactory()
    _violates(
        "INSERT INTO news_model_mentions (news_id, model_id, mention_type) VALUES (%s, %s, 'brief')",
        [mention.news_id, mention.model_id],
    )
    _violates(
        "INSERT INTO news_model_mentions (news_id, model_id, mention_type) VALUES (%s, %s, 'rumour')",
        [mention.news_id, AIModelFactory().id],
    )


def test_slug_comes_from_the_english_title_with_a_suffix_on_collision():
    title = {"en-US": "GPT-5 is out!", "zh-CN": "GPT-5 发布"}
    first = NewsArticleFactory(title=title)
    second = NewsArticleFactory(title=title)
    third = NewsArticleFactory(title=title)
    assert [first.slug, second.slug, third.slug] == ["gpt-5-is-out", "gpt-5-is-out-2", "gpt-5-is-out-3"]
    assert unique_slug("GPT-5 is out!", exclude_id=first.id) == "gpt-5-is-out"


def test_an_editor_typed_slug_is_kept_and_editing_keeps_the_slug():
    article = NewsArticleFactory(slug="my-own-slug")
    article.title = {"en-US": "Another title entirely"}
    article.save()
    article.refresh_from_db()
    assert article.slug == "my-own-slug"


def test_saving_an_article_never_writes_back_a_stale_view_count():
    article = NewsArticleFactory()
    sql("UPDATE news_articles SET view_count = 42 WHERE id = %s", [article.id])
    article.is_featured = True  # the instance still says view_count = 0
    article.save()
    article.refresh_from_db()
    assert (article.view_count, article.is_featured) == (42, True)


def test_full_clean_explains_a_primary_locale_without_content():
    article = NewsArticle(title={"en-US": "T"}, content={"en-US": "C"}, locale_primary="ja-JP", slug="x")
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert "ja-JP needs a title and content" in str(error.value)


def test_full_clean_refuses_non_http_urls():
    article = NewsArticle(title={"en-US": "T"}, content={"en-US": "C"}, slug="x", source_url="ftp://example.com/a")
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert "source_url" in error.value.message_dict


def test_published_hides_drafts_and_scheduled_articles():
    published = NewsArticleFactory()
    NewsArticleFactory(published_at=None)
    NewsArticleFactory(published_at=timezone.now() + datetime.timedelta(hours=1))
    assert list(NewsArticle.objects.published()) == [published]
    assert NewsModelMention.objects.count() == 0
