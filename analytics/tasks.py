from celery import shared_task

from analytics.buffer import events_drain
from analytics.review_queue import disagreements_rank
from analytics.stats import daily_stats_refresh


@shared_task
def refresh_daily_stats() -> float | None:
    elapsed = daily_stats_refresh()
    return None if elapsed is None else round(elapsed, 3)


@shared_task
def rank_review_queue() -> int:
    return disagreements_rank()


@shared_task
def drain_events() -> int | None:
    return events_drain()
