"""news.published for scheduled articles: the trigger announces an article published at once; one
whose time comes later is announced by the per-minute release task, once."""

from datetime import datetime

from django.db import transaction

from catalog.changes import actor_set, change_record
from catalog.models import ChangeEvent

from .models import NewsArticle

ACTOR = "system:news"


@transaction.atomic
def scheduled_news_announce(since: datetime, now: datetime) -> int:
    """Announce the articles that became visible in (since, now] and were not announced; returns how many."""
    # uses index: idx_news_published
    due = list(NewsArticle.objects.filter(published_at__gt=since, published_at__lte=now).select_for_update())
    announced = set(
        ChangeEvent.objects.filter(
            type="news.published", subject__in=[article.slug for article in due], occurred_at__gte=since
        ).values_list("subject", flat=True)
    )
    fresh = [article for article in due if article.slug not in announced]
    if fresh:
        actor_set(ACTOR)
    for article in fresh:
        change_record(
            "news.published",
            subject_kind="article",
            subject=article.slug,
            payload={
                "after": {
                    "title": article.title,
                    "published_at": article.published_at.isoformat(),
                    "category": article.category,
                }
            },
        )
    return len(fresh)
