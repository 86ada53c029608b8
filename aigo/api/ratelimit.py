"""API rate limits in Redis: a sliding window per API key, or per client IP for anonymous use.

Policy
- A request authenticated with an API key (`request.auth` has `public_id` and `rate_limit`)
  may make `rate_limit` requests in any rolling hour, counted per key (a key without a
  rate_limit gets the seed's default, 1000; 0 refuses every request). Anonymous requests get
  `settings.AIGO_ANON_RATE` ("120/min"; N/sec|min|hour|day) per client IP. "off" turns rate
  limiting off entirely, keys included (the API benchmark uses it).
- The client IP is REMOTE_ADDR. Behind N reverse proxies, set `AIGO_TRUSTED_PROXIES=N` and the
  N-th X-Forwarded-For entry from the right (the address the outermost trusted proxy saw) is
  used instead. By default X-Forwarded-For is ignored: any client can write it. IPv6 clients
  are counted per /64, the block a single subscriber usually gets.
- Every response of a throttled API view carries `X-RateLimit-Limit`, `X-RateLimit-Remaining`
  and `X-RateLimit-Reset` (seconds until the oldest counted request leaves the window, i.e.
  until at least one more request is allowed): 2xx, 304, 4xx and 429 alike, cached responses
  included, because DRF runs throttles in `initial()` before any handler or response cache.
  Over the limit: 429 with `Retry-After` and {"error": {"code": "rate_limited", "message",
  "details": {"limit", "window_seconds", "retry_after"}}}. Refused requests are not counted.
  Requests refused before throttles run (406 negotiation, 401 bad credentials, 403
  permissions) are not counted and carry no rate-limit headers.
- Redis down: GET/HEAD/OPTIONS (and views with `rate_limit_fail_open = True`) fail open
  (served with `X-RateLimit-Limit`, without `Remaining`/`Reset`: nothing was counted);
  other methods fail closed with 503
  "rate_limiter_unavailable" and `Retry-After`, since writes are what the limit protects and
  clients retry them. A warning is logged at most every 10 seconds.

How
- Exact sliding log: one sorted set per identity, `api:rate:{<identity>}:<window seconds>`
  (through rkey; the {identity} hash tag keeps it on one Redis Cluster slot), one member per
  counted request scored by Redis's own clock in ms. One Lua script (EVALSHA) drops members
  older than the window, counts, adds when below the limit and sets the TTL, so any number of
  concurrent requests on any number of web servers never overshoot and agree on the time.
  Memory is O(limit) per active identity (~30 bytes per counted request up to 128, then
  ~130-150: a full 1000/hour key is ~150 KB), fine for limits in the thousands per hour; a
  sliding-window counter is O(1) but only approximate, and the exact log is what makes the
  "never over the limit" guarantee easy to show.
- The throttle leaves its `Decision` on the request; `RateLimitHeadersMiddleware` copies it
  onto the response. One place sees every response of every view, including those made by
  the exception handler or the response cache, with no per-view code.
"""

import ipaddress
import logging
import math
import random
import time
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from redis.commands.core import Script
from redis.exceptions import RedisError
from rest_framework import exceptions, status
from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import BaseThrottle

from aigo.redis import redis_client, rkey

log = logging.getLogger(__name__)

KEY_WINDOW = 3600  # api_keys.rate_limit is requests per hour
DEFAULT_KEY_LIMIT = 1000  # the seed's api_keys.rate_limit default
UNAVAILABLE_RETRY_AFTER = 5
WARN_EVERY = 10.0
UNITS = {"s": 1, "sec": 1, "second": 1, "min": 60, "minute": 60, "hour": 3600, "day": 86400}

# KEYS[1] the sorted set; ARGV limit, window (ms), a unique member. Returns allowed (0/1), the
# count in the window after this request, and ms until the oldest entry leaves the window.
SLIDING_WINDOW = """
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
local allowed = 0
if count < limit then
  redis.call('ZADD', key, now, ARGV[3])
  redis.call('PEXPIRE', key, window)
  count = count + 1
  allowed = 1
end
local reset = window
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
if oldest[2] then reset = tonumber(oldest[2]) + window - now end
return {allowed, count, reset}
"""


@dataclass(frozen=True, slots=True)
class Decision:
    limit: int
    remaining: int | None  # None: Redis was unavailable, nothing counted
    reset: int | None  # seconds until the oldest counted request leaves the window
    window: int
    allowed: bool = True

    def headers(self) -> dict[str, str]:
        headers = {"X-RateLimit-Limit": str(self.limit)}
        if self.remaining is not None and self.reset is not None:
            headers["X-RateLimit-Remaining"] = str(self.remaining)
            headers["X-RateLimit-Reset"] = str(self.reset)
        return headers


class RateLimited(exceptions.Throttled):
    default_code = "rate_limited"

    def __init__(self, decision: Decision):
        super().__init__(
            wait=decision.reset,
            detail=f"Rate limit of {decision.limit} requests per {decision.window} seconds exceeded.",
        )
        self.details = {"limit": decision.limit, "window_seconds": decision.window, "retry_after": self.wait}


class RateLimiterUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "rate_limiter_unavailable"
    default_detail = "The rate limiter is unavailable; retry the request shortly."
    wait = UNAVAILABLE_RETRY_AFTER  # DRF's handler turns it into Retry-After
    details = {"retry_after": UNAVAILABLE_RETRY_AFTER}


@lru_cache(maxsize=16)
def parse_rate(rate: str) -> tuple[int, int] | None:
    """ "120/min" -> (120, 60); "off" -> None."""
    if rate.strip().lower() == "off":
        return None
    count, _, unit = rate.partition("/")
    try:
        return int(count), UNITS[unit.strip().lower()]
    except (KeyError, ValueError):
        raise ImproperlyConfigured(f"Bad rate {rate!r}: use N/sec, N/min, N/hour, N/day or off.") from None


def client_ip(request) -> str:
    address = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "AIGO_TRUSTED_PROXIES", 0)
    if proxies > 0:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if hops:
            address = hops[-min(proxies, len(hops))]
    return address


def ip_identity(address: str) -> str:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "ip:unknown"
    if ip.version == 6:
        if ip.ipv4_mapped:
            return f"ip:{ip.ipv4_mapped}"
        return f"ip:{ipaddress.ip_network((ip, 64), strict=False)}"
    return f"ip:{ip}"


_script: Script | None = None


def rate_limit_hit(*, identity: str, limit: int, window: int) -> Decision:
    """Count one request of `identity` against `limit` per `window` seconds. Raises RedisError."""
    global _script
    client = redis_client()
    if _script is None:
        _script = client.register_script(SLIDING_WINDOW)
    key = rkey("api", "rate", "{" + identity + "}", str(window))
    member = f"{random.getrandbits(64):016x}"
    allowed, count, reset_ms = _script(keys=[key], args=[limit, window * 1000, member], client=client)
    return Decision(
        limit=limit,
        remaining=max(limit - count, 0),
        reset=max(1, math.ceil(reset_ms / 1000)),
        window=window,
        allowed=bool(allowed),
    )


_next_warning = 0.0


def _warn_unavailable(error: RedisError) -> None:
    global _next_warning
    now = time.monotonic()
    if now >= _next_warning:
        _next_warning = now + WARN_EVERY
        log.warning("rate limiter: Redis unavailable (%r); reads served unlimited, writes refused", error)


class RedisRateThrottle(BaseThrottle):
    def allow_request(self, request, view) -> bool:
        anonymous = parse_rate(getattr(settings, "AIGO_ANON_RATE", "120/min"))
        if anonymous is None:
            return True
        key = request.auth
        if hasattr(key, "public_id") and hasattr(key, "rate_limit"):
            identity, window = f"key:{key.public_id}", KEY_WINDOW
            limit = DEFAULT_KEY_LIMIT if key.rate_limit is None else max(int(key.rate_limit), 0)
        else:
            identity = ip_identity(client_ip(request))
            limit, window = anonymous
        http_request = getattr(request, "_request", request)  # the object middleware sees
        try:
            decision = rate_limit_hit(identity=identity, limit=limit, window=window)
        except RedisError as error:
            _warn_unavailable(error)
            http_request._ratelimit = Decision(limit=limit, remaining=None, reset=None, window=window)
            # Views whose writes must survive a Redis outage (probe ingestion) say so.
            if request.method in SAFE_METHODS or getattr(view, "rate_limit_fail_open", False):
                return True
            raise RateLimiterUnavailable() from error
        http_request._ratelimit = decision
        if not decision.allowed:
            # Raised here rather than returning False so the 429 body says limit and window.
            raise RateLimited(decision)
        return True


class RateLimitHeadersMiddleware:
    """Puts the throttle's decision on the response as X-RateLimit-* headers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        decision = getattr(request, "_ratelimit", None)
        if decision is not None:
            for name, value in decision.headers().items():
                response[name] = value
        return response
