"""Article view counts without a database write per view.

A view is one HINCRBY on the pending hash. Every minute article_views_flush() moves the pending hash
aside under a flush id (one atomic RENAME, so views arriving meanwhile start a new pending
hash) and adds its counts to news_articles.view_count in one transaction that also records
the flush id; the Redis copy is deleted only after the commit. If the flush dies anywhere, the
next run finds the flush id still listed and applies it then; if it died after the commit, the
recorded id makes that a no-op. No view is lost or counted twice.

All keys share the {views} hash tag, so RENAME works on Redis Cluster too.
"""

import logging
import uuid
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone
from redis.exceptions import RedisError

from aigo.redis import redis_client, rkey

from .models import NewsArticle, ViewFlush

log = logging.getLogger(__name__)

# Applied flush ids are kept this long; a flush key survives past its commit only until the next run.
FLUSH_RECORD_DAYS = 7

# Moves the pending hash to a flush key and lists the flush id, or does nothing if nothing is pending.
_CLAIM = """
if redis.call('EXISTS', KEYS[1]) == 1 then
    redis.call('RENAME', KEYS[1], KEYS[2])
    redis.call('SADD', KEYS[3], ARGV[1])
    return 1
end
return 0
"""


def _pending_key() -> str:
    return rkey("news", "{views}", "pending")


def _flush_key(flush_id: str) -> str:
    return rkey("news", "{views}", "flush", flush_id)


def _flushes_key() -> str:
    return rkey("news", "{views}", "flushes")


def article_view_record(article_id: uuid.UUID) -> None:
    """Count one view. Never fails the caller: with Redis down the view goes uncounted."""
    try:
        redis_client().hincrby(_pending_key(), str(article_id), 1)
    except RedisError:
        log.warning("view counts: Redis unavailable, view of %s not counted", article_id)


def article_view_count(article: NewsArticle) -> int:
    """Views stored in the database plus views not flushed yet (counts of a flush that has
    committed but not yet cleaned up are read from the database only)."""
    try:
        client = redis_client()
        flush_ids = sorted(member.decode() for member in client.smembers(_flushes_key()))
        applied = set(ViewFlush.objects.filter(flush_id__in=flush_ids).values_list("flush_id", flat=True))
        keys = [_pending_key()] + [_flush_key(flush_id) for flush_id in flush_ids if flush_id not in applied]
        pipe = client.pipeline(transaction=False)
        for key in keys:
            pipe.hget(key, str(article.id))
        pending = sum(int(value or 0) for value in pipe.execute())
    except RedisError:
        pending = 0
    return article.view_count + pending


def article_views_flush() -> dict[str, int]:
    """Add pending views to news_articles.view_count. Safe to run twice at once and after a crash."""
    client = redis_client()
    flush_id = uuid.uuid4().hex
    client.eval(_CLAIM, 3, _pending_key(), _flush_key(flush_id), _flushes_key(), flush_id)
    # Leftovers of a run that died are applied first, then this run's claim.
    applied = views = 0
    for member in sorted(client.smembers(_flushes_key())):
        counts = _apply(member.decode())
        if counts is not None:
            applied += 1
            views += counts
    ViewFlush.objects.filter(applied_at__lt=timezone.now() - timedelta(days=FLUSH_RECORD_DAYS)).delete()
    return {"flushes": applied, "views": views}


def _apply(flush_id: str) -> int | None:
    """Apply one flush exactly once; the number of views it added, or None if it was applied before."""
    client = redis_client()
    counts = {key.decode(): int(value) for key, value in client.hgetall(_flush_key(flush_id)).items()}
    with transaction.atomic():
        # The claim: a second run (or a rerun after a crash past the commit) stops here.
        _, created = ViewFlush.objects.get_or_create(flush_id=flush_id)
        if created and counts:
            _add_views(counts)
    pipe = client.pipeline(transaction=True)
    pipe.delete(_flush_key(flush_id))
    pipe.srem(_flushes_key(), flush_id)
    pipe.execute()
    return sum(counts.values()) if created else None


def _add_views(counts: dict[str, int]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            """UPDATE news_articles a SET view_count = a.view_count + v.n
               FROM unnest(%s::uuid[], %s::integer[]) AS v(id, n)
               WHERE a.id = v.id""",
            [list(counts), list(counts.values())],
        )
