"""Feature flags per region: `request.features` and `{{ features.news_section }}` in templates.

Reads come from the seed's `features:{region}` Redis hash. When the hash is missing (Redis
restarted) it is rebuilt from the feature_flags table; when Redis is down the table is read
directly; flags set nowhere take their default from settings.AIGO_FEATURE_DEFAULTS.
"""

import logging

from django.conf import settings
from django.utils.functional import SimpleLazyObject
from redis.exceptions import RedisError

from accounts.models import FeatureFlag
from aigo.redis import redis_client, rkey
from aigo.regions import request_region

log = logging.getLogger(__name__)


def _key(region: str) -> str:
    return rkey("features", region)


def _stored(region: str) -> dict[str, bool]:
    return dict(FeatureFlag.objects.filter(region=region).values_list("name", "enabled"))


def features_publish(region: str) -> dict[str, bool]:
    """Copy a region's flags from PostgreSQL to its Redis hash (after an edit, or to rebuild)."""
    flags = _stored(region)
    # transaction=True spelled out: a cluster pipeline is plain by default, and readers must
    # never see the hash deleted but not yet refilled (one key, so one slot: MULTI works there).
    with redis_client().pipeline(transaction=True) as pipe:
        pipe.delete(_key(region))
        # An empty marker field keeps the hash present, so "no flags set" is not a cache miss.
        pipe.hset(_key(region), mapping={"": "", **{name: "1" if on else "0" for name, on in flags.items()}})
        pipe.execute()
    return flags


def features_republish(region: str) -> None:
    """After an edit: refresh the hash, or drop it so the next read rebuilds it."""
    try:
        features_publish(region)
    except RedisError:
        log.warning("feature flags of %s not published: Redis unavailable", region)


def features_for(region: str) -> dict[str, bool]:
    try:
        raw = redis_client().hgetall(_key(region))
        stored = (
            {name.decode(): value == b"1" for name, value in raw.items() if name} if raw else features_publish(region)
        )
    except RedisError:
        log.warning("feature flags read from PostgreSQL: Redis unavailable")
        stored = _stored(region)
    return {**settings.AIGO_FEATURE_DEFAULTS, **stored}


def features_region(request) -> str:
    """The request's region (aigo.regions), else the primary's: every request has flags."""
    return request_region(request) or settings.AIGO_REGIONS[0]


class FeatureFlagsMiddleware:
    """Puts `request.features` (read on first use only) on every request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.features = SimpleLazyObject(lambda: features_for(features_region(request)))
        return self.get_response(request)


def features(request) -> dict:
    """Template context processor: `{% if features.news_section %}`."""
    return {"features": getattr(request, "features", {})}
