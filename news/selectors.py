"""Read queries for news: what readers may see (published, not scheduled) and search."""

import datetime

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from .models import NewsArticle, NewsModelMention


def _with_mentions(articles: QuerySet) -> QuerySet:
    # One extra query for the mentioned models of a whole page.
    mentions = NewsModelMention.objects.select_related("model").order_by("mention_type", "model__slug")
    return articles.prefetch_related(Prefetch("mentions", queryset=mentions))


def news_list(
    *,
    category: str | None = None,
    tag: str | None = None,
    model: str | None = None,
    available_in: str | None = None,
    featured: bool | None = None,
    published_from: datetime.date | None = None,
    published_to: datetime.date | None = None,
) -> QuerySet[NewsArticle]:
    """Published articles matching every filter given (dates inclusive, UTC days)."""
    articles = NewsArticle.objects.published()
    if category:
        articles = articles.filter(category=category)  # uses index: idx_news_category
    if tag:
        articles = articles.filter(tags__contains=[tag])  # uses index: idx_news_tags
    if model:
        articles = articles.filter(mentions__model__slug=model)  # uses index: idx_news_mentions_model
    if available_in:
        articles = articles.filter(available_locales__contains=[available_in])  # uses index: idx_news_available_locales
    if featured is not None:
        articles = articles.filter(is_featured=featured)
    if published_from:
        articles = articles.filter(published_at__gte=_day_start(published_from))
    if published_to:
        articles = articles.filter(published_at__lt=_day_start(published_to + datetime.timedelta(days=1)))
    return _with_mentions(articles)


def news_detail(*, slug: str) -> NewsArticle:
    """A published article by slug; NewsArticle.DoesNotExist for drafts and scheduled ones."""
    return _with_mentions(NewsArticle.objects.published()).get(slug=slug)


def _day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)


def news_search(*, query: str, locale: str, limit: int) -> list[tuple[NewsArticle, float]]:
    """Published articles whose title or summary matches, with a rank on the scale of
    search_models() (exact title 1.0, full text 0.5-0.8, substring 0.6, typos up to 0.85)."""
    rows = NewsArticle.objects.raw(
        """
        WITH q AS (
            SELECT lower(btrim(%(q)s)) AS text,
                   plainto_tsquery('english', %(q)s) || plainto_tsquery('simple', %(q)s) AS tsq
        )
        SELECT a.id, a.slug, a.title, a.published_at, GREATEST(
            CASE WHEN lower(a.title->>%(locale)s) = q.text THEN 1.0 ELSE 0 END,
            CASE WHEN a.search_vector @@ q.tsq THEN 0.5 + LEAST(ts_rank(a.search_vector, q.tsq), 0.3) ELSE 0 END,
            CASE WHEN a.search_text LIKE '%%' || q.text || '%%' THEN 0.6 ELSE 0 END,
            word_similarity(q.text, a.search_text) * 0.85
        ) AS rank
        FROM news_articles a, q
        WHERE a.published_at <= %(now)s AND q.text <> ''
          -- uses index: idx_news_search, idx_news_search_text
          AND (a.search_vector @@ q.tsq OR a.search_text LIKE '%%' || q.text || '%%' OR q.text <%% a.search_text)
        ORDER BY rank DESC, a.published_at DESC
        LIMIT %(limit)s
        """,
        {"q": query, "locale": locale, "now": timezone.now(), "limit": limit},
    )
    return [(article, float(article.rank)) for article in rows if article.rank >= 0.35]
