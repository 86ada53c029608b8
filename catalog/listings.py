"""Keeping the model_listings view and the cached API responses in step with catalog writes."""

import logging
import time
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connection, transaction
from redis.exceptions import RedisError

from aigo.api.cache import response_cache
from aigo.redis import redis_client, rkey

log = logging.getLogger(__name__)

# Edits within this many seconds share one refresh (an admin save touches several tables).
REFRESH_DEBOUNCE = 2
_PENDING_KEY = ("listings", "refresh", "pending")
_batched: ContextVar[bool] = ContextVar("catalog_changes_batched", default=False)


def listings_refresh() -> float:
    """REFRESH ... CONCURRENTLY (readers never wait), then drop cached responses built on the
    old contents. Two refreshes at once simply queue on the view's lock."""
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("SELECT refresh_model_listings()")
    for kind in ("models", "benchmarks"):
        response_cache.invalidate(kind)
    elapsed = time.monotonic() - started
    log.info("model_listings refreshed in %.0f ms", elapsed * 1000)
    return elapsed


def listings_refresh_soon() -> None:
    from catalog.tasks import refresh_model_listings

    try:
        first = redis_client().set(rkey(*_PENDING_KEY), "1", nx=True, ex=60)
    except RedisError:
        first = True  # cannot debounce without Redis: refresh for every change
    if not first:
        return
    try:
        refresh_model_listings.apply_async(countdown=REFRESH_DEBOUNCE)
    except Exception:  # broker down: the periodic refresh will catch up within five minutes
        log.exception("could not queue a model_listings refresh")


def listings_refresh_claimed() -> float:
    """The task's body: clear the pending flag first, so edits made during the refresh queue another."""
    try:
        redis_client().delete(rkey(*_PENDING_KEY))
    except RedisError:
        pass
    return listings_refresh()


def catalog_changed(kind: str) -> None:
    """Call on any catalog write: once the transaction commits, cached responses of `kind` are
    dropped (detail pages read the tables, so they are right at once) and the listings view is
    refreshed shortly (list pages read it)."""
    if _batched.get():
        return

    def after_commit() -> None:
        response_cache.invalidate(kind)
        listings_refresh_soon()

    transaction.on_commit(after_commit)


@contextmanager
def catalog_changes_batched():
    """Writes inside leave the refresh to the caller, who makes one at the end (an import writes
    thousands of rows: a refresh each would take minutes where no worker debounces them)."""
    token = _batched.set(True)
    try:
        yield
    finally:
        _batched.reset(token)
