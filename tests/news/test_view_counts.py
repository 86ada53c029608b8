"""View counts: one Redis increment per view, flushed to the database exactly once."""

import pytest

from aigo.redis import redis_client
from news import view_counts
from news.models import NewsArticle, ViewFlush
from news.tasks import flush_news_views
from news.view_counts import article_view_count, article_view_record, article_views_flush

from .factories import NewsArticleFactory

pytestmark = pytest.mark.django_db


def _stored(article) -> int:
    return NewsArticle.objects.values_list("view_count", flat=True).get(id=article.id)


def _view(article, times: int) -> None:
    for _ in range(times):
        article_view_record(article.id)


def test_views_wait_in_redis_and_reads_add_them(django_assert_num_queries):
    article = NewsArticleFactory()
    with django_assert_num_queries(0):
        _view(article, 3)
    assert _stored(article) == 0
    assert article_view_count(article) == 3


def test_flush_moves_counts_into_the_database():
    first, second = NewsArticleFactory(), NewsArticleFactory()
    _view(first, 3)
    _view(second, 1)
    assert flush_news_views() == {"flushes": 1, "views": 4}
    assert (_stored(first), _stored(second)) == (3, 1)
    first.refresh_from_db()
    assert article_view_count(first) == 3
    assert article_views_flush() == {"flushes": 0, "views": 0}  # nothing pending: nothing happens


def test_a_flush_that_dies_mid_update_loses_nothing_and_counts_nothing_twice(monkeypatch):
    article = NewsArticleFactory()
    _view(article, 5)

    def die(counts):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(view_counts, "_add_views", die)
    with pytest.raises(RuntimeError):
        article_views_flush()
    monkeypatch.undo()
    assert _stored(article) == 0
    assert article_view_count(article) == 5  # the claimed counts are still read
    _view(article, 2)  # views keep coming while the flush is stranded
    article_views_flush()
    assert _stored(article) == 7
    assert article_view_count(NewsArticle.objects.get(id=article.id)) == 7


def test_a_flush_that_dies_after_its_commit_is_not_applied_again(monkeypatch):
    article = NewsArticleFactory()
    _view(article, 4)

    class CleanupDies:
        def delete(self, *keys):
            raise ConnectionError("worker killed before cleaning up")

    monkeypatch.setattr(type(redis_client()), "pipeline", lambda self, transaction=True: CleanupDies())
    with pytest.raises(ConnectionError):
        article_views_flush()
    monkeypatch.undo()
    assert _stored(article) == 4
    assert article_view_count(NewsArticle.objects.get(id=article.id)) == 4  # not 8: the flush is recorded
    assert article_views_flush() == {"flushes": 0, "views": 0}
    assert _stored(article) == 4
    assert ViewFlush.objects.count() == 1


def test_views_of_a_deleted_article_are_dropped_quietly():
    article = NewsArticleFactory()
    _view(article, 2)
    article.delete()
    article_views_flush()
    assert not redis_client().exists(view_counts._pending_key())
    assert NewsArticle.objects.count() == 0


def test_a_view_with_redis_down_is_not_counted_and_does_not_fail(redis_down):
    article = NewsArticleFactory()
    article_view_record(article.id)
    assert article_view_count(article) == 0
