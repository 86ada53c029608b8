from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from .changes import scheduled_news_announce
from .models import NewsArticle
from .signals import news_changed
from .view_counts import article_views_flush

# A little more than the schedule's minute, so a late run still sees what came due.
RELEASE_WINDOW = timedelta(minutes=2)


@shared_task
def flush_news_views() -> dict[str, int]:
    return article_views_flush()


@shared_task
def release_scheduled_news() -> bool:
    """Announce a scheduled article whose time has come, and drop cached news responses (no write
    marks that)."""
    now = timezone.now()
    # uses index: idx_news_published
    due = NewsArticle.objects.filter(published_at__gt=now - RELEASE_WINDOW, published_at__lte=now).exists()
    if due:
        scheduled_news_announce(now - RELEASE_WINDOW, now)
        news_changed()
    return due
