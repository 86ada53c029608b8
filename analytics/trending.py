"""Trending models: per-day view counts in Redis, combined with a time decay.

Each accepted model_view does ZINCRBY on the seed's daily sorted set (`trending:{models}:<UTC
date>`, member = model id, 7-day TTL; the {models} hash tag keeps the days on one Redis Cluster
slot for ZUNIONSTORE). Trending = ZUNIONSTORE of the last DAYS daily sets, weighted
0.5 ** (age in days / HALF_LIFE_DAYS) (today's views count 1, two days ago 0.5, ...), kept
CACHE_SECONDS. Redis is a fast copy: when it is down the same scores are computed from
analytics_events, and trending_rebuild() refills the daily sets from there.
"""

import logging
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from django.db.models import Count
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import TruncDate
from redis.exceptions import RedisError

from aigo.redis import redis_client, rkey
from analytics.models import AnalyticsEvent

log = logging.getLogger(__name__)

DAYS = 7
HALF_LIFE_DAYS = 2.0
DAY_TTL = 7 * 24 * 3600  # the seed's EXPIRE 604800
CACHE_SECONDS = 60


def _today() -> date:
    return datetime.now(UTC).date()


def day_key(day: date) -> str:
    return rkey("trending", "{models}", day.isoformat())


def _decayed_key() -> str:
    return rkey("trending", "{models}", "decayed")


def decay(age_days: int) -> float:
    return 0.5 ** (age_days / HALF_LIFE_DAYS)


def trending_record(*, model_ids: Iterable[str]) -> bool:
    """Count views of these models today (an id once per view); False (and a warning) when Redis
    is unreachable."""
    key = day_key(_today())
    views = Counter(model_ids)
    try:
        with redis_client().pipeline(transaction=False) as pipe:
            for model_id, count in views.items():
                pipe.zincrby(key, count, model_id)
            pipe.expire(key, DAY_TTL)
            pipe.execute()
    except RedisError as error:
        log.warning(
            "trending: %d model views not counted in Redis (%r); rebuild_redis restores them", views.total(), error
        )
        return False
    return True


def _scores_from_redis() -> list[tuple[str, float]]:
    client = redis_client()
    dest = _decayed_key()
    scores = client.zrevrange(dest, 0, -1, withscores=True)
    if not scores:
        today = _today()
        weights = {day_key(today - timedelta(days=age)): decay(age) for age in range(DAYS)}
        with client.pipeline(transaction=True) as pipe:  # all {models}: one slot, so MULTI on a cluster too
            pipe.zunionstore(dest, weights)
            pipe.expire(dest, CACHE_SECONDS)
            pipe.zrevrange(dest, 0, -1, withscores=True)
            scores = pipe.execute()[-1]
    return [(member.decode(), score) for member, score in scores]


def _daily_counts() -> list[tuple[str, date, int]]:
    """(model id, UTC day, views) for the last DAYS days, from the stored events."""
    start = datetime.combine(_today() - timedelta(days=DAYS - 1), datetime.min.time(), tzinfo=UTC)
    # uses index: idx_analytics_events_type_time (and partition pruning on timestamp)
    views = (
        AnalyticsEvent.objects.filter(
            event_type="model_view", timestamp__gte=start, event_properties__has_key="model_id"
        )
        .values(model_id=KeyTextTransform("model_id", "event_properties"), day=TruncDate("timestamp", tzinfo=UTC))
        .annotate(views=Count("*"))
        .values_list("model_id", "day", "views")
    )
    return list(views)


def _scores_from_database() -> list[tuple[str, float]]:
    today = _today()
    scores: dict[str, float] = {}
    for model_id, day, views in _daily_counts():
        scores[model_id] = scores.get(model_id, 0.0) + views * decay((today - day).days)
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


def trending_scores() -> tuple[list[tuple[str, float]], str]:
    """Every model viewed in the last DAYS days with its decayed score, highest first, and
    where it came from ("redis" or "database")."""
    try:
        return _scores_from_redis(), "redis"
    except RedisError as error:
        log.warning("trending read from PostgreSQL: Redis unavailable (%r)", error)
        return _scores_from_database(), "database"


def trending_rebuild() -> tuple[int, int]:
    """Replace the daily sets of the last DAYS days with the counts in analytics_events (one
    MULTI, so readers never see half a rebuild). Returns (days, views). Raises RedisError."""
    counts = _daily_counts()
    today = _today()
    days: dict[date, dict[str, int]] = {}
    for model_id, day, views in counts:
        days.setdefault(day, {})[model_id] = views
    with redis_client().pipeline(transaction=True) as pipe:  # explicit: a cluster pipeline is plain by default
        pipe.delete(_decayed_key(), *(day_key(today - timedelta(days=age)) for age in range(DAYS)))
        for day, views in days.items():
            pipe.zadd(day_key(day), views)
            pipe.expire(day_key(day), DAY_TTL)
        pipe.execute()
    return len(days), sum(views for _model, _day, views in counts)
