"""Cached API responses: this process's memory first, then Redis, with explicit invalidation.

Every cached response belongs to "kinds" of data (models, benchmarks). A write to the catalog
calls `invalidate(kind)`, which bumps the kind's generation in Redis and publishes on
`cache:invalidate:{kind}` (the seed's channels). Cache keys contain the generations, so old
entries are simply never read again and expire on their own. Each web process listens on
those channels in a background thread and drops its in-memory copies when one arrives; while
it is not listening (Redis down, just started) it does not use in-memory copies at all.

If Redis is down, responses are computed every time: slower, never wrong.

Responses read from a regional replica are cached apart from the primary's, and only for
AIGO_REPLICA_MAX_LAG_SECONDS: a replica may not yet have applied the write that bumped a
generation, so what it answers is as stale as it is, for its own region's readers only and no
longer than the lag it is allowed to serve with. Primary reads fill the shared entries, which
every client within its read-your-writes window (routed to the primary) reads.
"""

import hashlib
import logging
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.http import HttpResponse, HttpResponseNotModified
from redis.exceptions import RedisError
from rest_framework.response import Response

from aigo.db.router import read_alias_pinned
from aigo.ops.metrics import RESPONSE_CACHE_HITS, RESPONSE_CACHE_MISSES
from aigo.redis import mget, redis_client, rkey
from aigo.release import release_id

log = logging.getLogger(__name__)

KINDS = ("models", "benchmarks", "news", "sources", "status")
MAX_AGE = 60  # seconds browsers and CDNs may reuse a catalog response
REDIS_TTL = 600
LOCAL_TTL = 60  # safety net should an invalidation message be lost
LOCAL_SIZE = 1024


def channel(kind: str) -> str:
    return rkey("cache", "invalidate", kind)


def _generation_key(kind: str) -> str:
    # The {kind} hash tag puts each generation in a slot of its own on a Redis Cluster; reading
    # several at once is one MGET per node there (aigo.redis.mget), which needs no atomicity:
    # generations only grow and _advance never moves one back.
    return rkey("cache", "{" + kind + "}", "generation")


@dataclass(frozen=True)
class CachedResponse:
    body: bytes
    content_type: str
    etag: str

    def serialize(self) -> bytes:
        return b"\n".join([self.etag.encode(), self.content_type.encode(), self.body])

    @classmethod
    def deserialize(cls, raw: bytes) -> "CachedResponse":
        etag, content_type, body = raw.split(b"\n", 2)
        return cls(body=body, content_type=content_type.decode(), etag=etag.decode())


def etag_for(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


def not_modified(request, etag: str) -> bool:
    wanted = request.META.get("HTTP_IF_NONE_MATCH", "")
    if not wanted:
        return False
    return wanted.strip() == "*" or etag in [tag.strip().removeprefix("W/") for tag in wanted.split(",")]


def cache_headers(response, etag: str) -> None:
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    response["Vary"] = "Accept, Accept-Language"


def _kinds_of(key: str) -> frozenset[str]:
    """The kinds of a ResponseCache.key(), read back from its stamp ("models12.status3")."""
    stamp = key.rsplit(":", 2)[1]
    return frozenset(part.rstrip("0123456789") for part in stamp.split("."))


class ResponseCache:
    def __init__(self) -> None:
        # key -> (expiry, response, the kinds the key was made for)
        self._local: OrderedDict[str, tuple[float, CachedResponse, frozenset[str]]] = OrderedDict()
        # Per variant, the copy served last and when (serve_cached's `stale`).
        self._previous: OrderedDict[str, tuple[float, CachedResponse]] = OrderedDict()
        self._generations: dict[str, int] = {}
        self._listening = False
        self._lock = threading.Lock()
        self._listener: threading.Thread | None = None

    # -- generations -------------------------------------------------------------------
    def _read_generations(self, kinds) -> dict[str, int]:
        values = mget(redis_client(), [_generation_key(kind) for kind in kinds])
        return {kind: int(value or 0) for kind, value in zip(kinds, values, strict=True)}

    def current_generations(self, kinds) -> dict[str, int] | None:
        self._ensure_listener()
        if self._listening:
            with self._lock:
                if all(kind in self._generations for kind in kinds):
                    return {kind: self._generations[kind] for kind in kinds}
        try:
            return self._read_generations(kinds)
        except RedisError:
            return None

    # -- lookups -----------------------------------------------------------------------
    def key(self, kinds, generations: dict[str, int], variant: str) -> str:
        """By the code's release too: a deploy's new templates and translations are served at once."""
        digest = hashlib.blake2b(variant.encode(), digest_size=20).hexdigest()
        stamp = ".".join(f"{kind}{generations[kind]}" for kind in kinds)
        return rkey("cache", "response", release_id(), stamp, digest)

    def get(self, key: str, ttl: int = REDIS_TTL) -> CachedResponse | None:
        if self._listening:
            with self._lock:
                entry = self._local.get(key)
            if entry and entry[0] > time.monotonic():
                return entry[1]
        try:
            raw = redis_client().get(key)
        except RedisError:
            return None
        if raw is None:
            return None
        cached = CachedResponse.deserialize(raw)
        self._remember(key, cached, ttl)
        return cached

    def set(self, key: str, cached: CachedResponse, ttl: int = REDIS_TTL) -> None:
        self._remember(key, cached, ttl)
        try:
            redis_client().set(key, cached.serialize(), ex=ttl)
        except RedisError:
            log.warning("response cache: Redis unavailable, response not cached")

    def previous(self, variant: str, seconds: int) -> CachedResponse | None:
        """The copy of `variant` this process last served, whatever its generations, if it did so
        less than `seconds` ago."""
        with self._lock:
            entry = self._previous.get(variant)
        return entry[1] if entry and entry[0] > time.monotonic() - seconds else None

    def previous_set(self, variant: str, cached: CachedResponse) -> None:
        with self._lock:
            self._previous[variant] = (time.monotonic(), cached)
            self._previous.move_to_end(variant)
            while len(self._previous) > LOCAL_SIZE:
                self._previous.popitem(last=False)

    def _remember(self, key: str, cached: CachedResponse, ttl: int) -> None:
        if not self._listening:
            return
        with self._lock:
            self._local[key] = (time.monotonic() + min(LOCAL_TTL, ttl), cached, _kinds_of(key))
            self._local.move_to_end(key)
            while len(self._local) > LOCAL_SIZE:
                self._local.popitem(last=False)

    # -- invalidation ------------------------------------------------------------------
    def invalidate(self, kind: str, subject: str = "*") -> None:
        """Forget every cached response of `kind`, here at once and in other processes via pub/sub."""
        with self._lock:
            self._drop(kind)
            self._generations.pop(kind, None)
        try:
            client = redis_client()
            generation = client.incr(_generation_key(kind))
            client.publish(channel(kind), subject)
        except RedisError:
            log.warning("response cache: Redis unavailable, %s not invalidated", kind)
            return
        self._advance({kind: generation})

    def _drop(self, kind: str) -> None:
        """Forget the local copies of `kind` (the lock held). The others stay: their keys still hold,
        and status ingests invalidate every few seconds, which would otherwise send every cached
        page and response of every process back to Redis."""
        for key in [key for key, (_expiry, _cached, kinds) in self._local.items() if kind in kinds]:
            del self._local[key]

    def _advance(self, generations: dict[str, int]) -> None:
        """Generations only grow: a read that raced with an invalidation never moves one back."""
        with self._lock:
            for kind, generation in generations.items():
                self._generations[kind] = max(self._generations.get(kind, 0), generation)

    def _ensure_listener(self) -> None:
        if self._listener is None or not self._listener.is_alive():
            with self._lock:
                if self._listener is None or not self._listener.is_alive():
                    self._listener = threading.Thread(target=self._listen, name="cache-invalidation", daemon=True)
                    self._listener.start()

    def _listen(self) -> None:
        while True:
            try:
                pubsub = redis_client().pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(*[channel(kind) for kind in KINDS])
                generations = self._read_generations(KINDS)
                with self._lock:
                    self._local.clear()
                    self._listening = True
                self._advance(generations)
                for message in pubsub.listen():
                    kind = message["channel"].decode().rsplit(":", 1)[-1]
                    with self._lock:
                        self._drop(kind)
                    self._advance(self._read_generations([kind]))
            except (RedisError, OSError, ValueError):
                with self._lock:
                    self._listening = False
                    self._local.clear()
                time.sleep(1)


response_cache = ResponseCache()
# One lock per key being filled, dropped with its last user. Per key, not striped: a page's fill
# holds its lock while its parts take theirs, and two keys sharing a stripe could then wait on
# each other in opposite orders. Reentrant, as a view may serve another.
_fill_locks: weakref.WeakValueDictionary[str, Any] = weakref.WeakValueDictionary()
_fill_locks_guard = threading.Lock()
FILL_WAIT = 10  # seconds a request waits for another's render before rendering itself


def _fill_lock(key: str):
    with _fill_locks_guard:
        lock = _fill_locks.get(key)
        if lock is None:
            lock = _fill_locks[key] = threading.RLock()
        return lock


def cache_slot(kinds, variant: str, ttl: int, enabled: bool) -> tuple[str | None, str, int]:
    """The key of `variant` of `kinds` (None when caching is off or Redis unreachable), the variant
    as keyed and how long it may be kept: by the database the request reads from (see the
    module's docstring)."""
    alias = read_alias_pinned()
    if alias != DEFAULT_DB_ALIAS:
        variant = f"{variant}|{alias}"
        ttl = min(ttl, max(1, int(settings.AIGO_REPLICA_MAX_LAG_SECONDS)))
    generations = response_cache.current_generations(kinds) if enabled else None
    return (response_cache.key(kinds, generations, variant) if generations is not None else None), variant, ttl


def serve_cached(
    request,
    kinds,
    variant: str,
    produce,
    ttl: int = REDIS_TTL,
    stale: int = 0,
    awaited: Callable[[], bool] | None = None,
) -> HttpResponse:
    """The response for `variant` of `kinds` from the cache, else `produce()`d (a rendered
    response) and stored when it is a 200. Answers If-None-Match with 304 either way.

    With `stale` (seconds), while another thread of this process renders the entry anew (or one
    sharing its lock), a copy of the variant this process served less than `stale` seconds ago is
    answered at once; and so it is, without rendering, while `awaited()` says another process (a
    worker) is about to fill the entry."""
    key, variant, ttl = cache_slot(kinds, variant, ttl, settings.AIGO_RESPONSE_CACHE)
    cached = response_cache.get(key, ttl) if key else None
    (RESPONSE_CACHE_MISSES if cached is None else RESPONSE_CACHE_HITS).inc()
    previous = None
    if cached is None:
        previous = response_cache.previous(variant, stale) if key and stale else None
        if previous is not None and awaited is not None and awaited():
            cached = previous
        else:
            cached = cache_fill(key, ttl, lambda: _rendered(produce), previous)
        if isinstance(cached, HttpResponse):
            return cached
    if stale and key and cached is not previous:
        response_cache.previous_set(variant, cached)
    if not_modified(request, cached.etag):
        return HttpResponseNotModified(headers={"ETag": cached.etag})
    response = HttpResponse(cached.body, content_type=cached.content_type)
    response["ETag"] = cached.etag
    return response


def cache_fill(key: str | None, ttl: int, render, previous: CachedResponse | None = None):
    """`render()`'s entry for `key`, stored when it is one (a CachedResponse). One thread of this
    process renders a missing entry while the others wait for its copy (or take `previous` at
    once): an invalidation or expiry under a crowd costs a render per process, not one per
    request. Without Redis (no key) every request renders."""
    if key is None:
        return render()
    lock = _fill_lock(key)
    if previous is not None and not lock.acquire(blocking=False):
        return previous
    if previous is None and not lock.acquire(timeout=FILL_WAIT):
        return render()  # a render stuck elsewhere must not hold every reader of the key
    try:
        cached = response_cache.get(key, ttl)
        if cached is None:
            cached = render()
            if isinstance(cached, CachedResponse):
                response_cache.set(key, cached, ttl)
        return cached
    finally:
        lock.release()


def _rendered(produce) -> CachedResponse | HttpResponse:
    """What `produce()` rendered, as a cache entry when it is a 200, else the response itself."""
    response = produce()
    if response.status_code != 200:
        return response
    return CachedResponse(response.content, response["Content-Type"], etag_for(response.content))


def cached_response(*kinds: str):
    """Decorator for GET handlers of LocaleMixin API views: serve and store rendered responses.

    The key is the path, the sorted query string and the negotiated locale. Responses other
    than 200 are never cached. Every response gets an ETag; a matching If-None-Match gets 304.
    """

    def decorator(handler):
        @wraps(handler)
        def wrapper(view, request, *args, **kwargs):
            query = sorted(request.query_params.lists())
            variant = f"{request.path}?{query}|{view.locale}|{request.accepted_media_type}"

            def produce():
                response = handler(view, request, *args, **kwargs)
                if response.status_code == 200 and isinstance(response, Response):
                    response.accepted_renderer = request.accepted_renderer
                    response.accepted_media_type = request.accepted_media_type
                    response.renderer_context = view.get_renderer_context()
                    response.render()
                return response

            response = serve_cached(request, kinds, variant, produce)
            if response.status_code in (200, 304) and response.has_header("ETag"):
                cache_headers(response, response["ETag"])
            return response

        return wrapper

    return decorator
