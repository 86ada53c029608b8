"""Keeping the model_listings view and the cached API responses in step with catalog writes."""

import logging
import time
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import TypeVar

from django.db import DEFAULT_DB_ALIAS, OperationalError, connections, transaction
from django.utils import timezone
from redis.exceptions import RedisError

from aigo.api.cache import response_cache
from aigo.redis import redis_client, rkey

log = logging.getLogger(__name__)

# Edits within this many seconds share one refresh (an admin save touches several tables).
REFRESH_DEBOUNCE = 2
_PENDING_KEY = ("listings", "refresh", "pending")
# The kinds changed inside catalog_changes_batched(), or None outside it.
_batched: ContextVar[set[str] | None] = ContextVar("catalog_changes_batched", default=None)
NOT_POPULATED = "55000"  # object_not_in_prerequisite_state: "materialized view ... has not been populated"
T = TypeVar("T")
LATE_AFTER = 3 * 300  # seconds: three missed five-minute refreshes (aigo.schedule)


def listings_refresh(using: str = DEFAULT_DB_ALIAS) -> float:
    """REFRESH ... CONCURRENTLY (readers never wait), then drop cached responses built on the
    old contents. Two refreshes at once simply queue on the view's lock."""
    started = time.monotonic()
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT refresh_model_listings()")
    for kind in ("models", "benchmarks"):
        response_cache.invalidate(kind)
    elapsed = time.monotonic() - started
    log.info("model_listings refreshed in %.0f ms on %s", elapsed * 1000, using)
    return elapsed


def listings_refreshed_at(using: str = DEFAULT_DB_ALIAS) -> datetime | None:
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT refreshed_at FROM model_listings_refreshed")
        row = cursor.fetchone()
    return row[0] if row else None


def listings_age() -> dict:
    """/readyz's report: how old the lists are (a worker refreshes them every five minutes)."""
    refreshed = listings_refreshed_at()
    age = (timezone.now() - refreshed).total_seconds() if refreshed else None
    return {
        "refreshed_at": refreshed.isoformat() if refreshed else None,
        "age_seconds": round(age, 1) if age is not None else None,
        "late": age is None or age > LATE_AFTER,
    }


def _behind(using: str) -> bool:
    """The view is empty though the catalog is not: written with no worker running to refresh it."""
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT NOT EXISTS (SELECT FROM model_listings) AND EXISTS (SELECT FROM models)")
        return cursor.fetchone()[0]


def listings_read(read: Callable[[], T], using: str) -> T:
    """read() from model_listings on `using`; when the view was never populated, or is empty
    though the catalog is not, refresh it now and read again, rather than answer an empty list.
    Only an empty answer costs a check."""
    try:
        result = read()
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", None) != NOT_POPULATED:
            raise
        listings_refresh(using)
        return read()
    if not result and _behind(using):
        listings_refresh(using)
        return read()
    return result


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
    batch = _batched.get()
    if batch is not None:
        transaction.on_commit(lambda: batch.add(kind))  # a rolled-back write changed nothing
        return

    def after_commit() -> None:
        response_cache.invalidate(kind)
        listings_refresh_soon()

    transaction.on_commit(after_commit)


@contextmanager
def catalog_changes_batched():
    """Writes inside are refreshed once, at the end and at once, whether or not a worker runs:
    for commands (an import writes thousands of rows: a refresh each would take minutes where no
    worker debounces them). Yields the set of changed kinds; add to it what signals do not see."""
    changed: set[str] = set()
    token = _batched.set(changed)
    try:
        yield changed
    finally:
        _batched.reset(token)
    if changed:
        listings_refresh()
        for kind in changed - {"models", "benchmarks"}:
            response_cache.invalidate(kind)
