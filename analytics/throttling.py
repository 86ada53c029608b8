"""The collection endpoint's own rate limit: per client IP at AIGO_EVENTS_RATE, on a counter
apart from the API's anonymous one (a page's beacons must not use up its API allowance)."""

from django.conf import settings
from redis.exceptions import RedisError
from rest_framework.throttling import BaseThrottle

from aigo.api.ratelimit import Decision, RateLimited, client_ip, ip_identity, parse_rate, rate_limit_hit


class EventsRateThrottle(BaseThrottle):
    def allow_request(self, request, view) -> bool:
        rate = parse_rate(settings.AIGO_EVENTS_RATE)
        if rate is None:
            return True
        limit, window = rate
        http_request = getattr(request, "_request", request)  # the object RateLimitHeadersMiddleware sees
        try:
            decision = rate_limit_hit(identity=f"events:{ip_identity(client_ip(request))}", limit=limit, window=window)
        except RedisError:
            # Fail open: events are stored without Redis, and an unlimited minute costs little.
            http_request._ratelimit = Decision(limit=limit, remaining=None, reset=None, window=window)
            return True
        http_request._ratelimit = decision
        if not decision.allowed:
            raise RateLimited(decision)
        return True
