"""daily_stats: its refresh (beat) and the reads of the analytics API."""

import logging
import time
from datetime import UTC, date, datetime, timedelta

from django.db import connection

from analytics.models import DailyStat

log = logging.getLogger(__name__)


def daily_stats_refresh() -> float | None:
    """REFRESH ... CONCURRENTLY through the owner's function; seconds taken, or None when
    another refresh was already running (it will include the same rows)."""
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("SELECT refresh_daily_stats()")
        refreshed = cursor.fetchone()[0]
    if not refreshed:
        return None
    elapsed = time.monotonic() - started
    log.info("daily_stats refreshed in %.0f ms", elapsed * 1000)
    return elapsed


def _midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=UTC)


# The per-model counts of the range summed, then the top ones (of models that still exist). SQL:
# the ORM cannot join a set-returning function (jsonb_each_text) into FROM.
# uses index: idx_daily_stats
TOP_MODELS = """
SELECT m.id, views.count
FROM (
    SELECT per_model.key AS model_id, SUM(per_model.value::bigint) AS count
    FROM daily_stats, jsonb_each_text(model_views) AS per_model
    WHERE day >= %(start)s AND day < %(end)s AND event_type = 'model_view'
    GROUP BY per_model.key
) views
JOIN models m ON m.id::text = views.model_id
ORDER BY views.count DESC, m.slug
LIMIT %(limit)s
"""


def daily_stats_between(*, start: date, end: date, top: int) -> dict:
    """Events per UTC day and type, unique sessions per day and type, and the `top` models by
    views as (model id, views), for the days start..end inclusive."""
    params = {"start": _midnight(start), "end": _midnight(end + timedelta(days=1)), "limit": top}
    # uses index: idx_daily_stats
    per_day = (
        DailyStat.objects.filter(day__gte=params["start"], day__lt=params["end"])
        .order_by("day", "event_type")
        .values_list("day", "event_type", "event_count", "unique_sessions")
    )
    days: dict[date, dict] = {}
    for day, event_type, count, sessions in per_day:
        entry = days.setdefault(day.astimezone(UTC).date(), {"events": {}, "unique_sessions": {}})
        entry["events"][event_type] = count
        entry["unique_sessions"][event_type] = sessions
    with connection.cursor() as cursor:
        cursor.execute(TOP_MODELS, params)
        top_models = cursor.fetchall()
    return {
        "days": [{"day": day, **values} for day, values in days.items()],
        "top_models": top_models,
    }
