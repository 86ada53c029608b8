from celery import shared_task
from django.utils import timezone

from aigo.redis import redis_client, rkey

HEARTBEAT_KEY = "heartbeat"


@shared_task
def heartbeat() -> str:
    """Proves the worker and beat are alive: /readyz shows how long ago this last ran."""
    now = timezone.now().isoformat()
    redis_client().set(rkey(HEARTBEAT_KEY), now, ex=24 * 3600)
    return now


@shared_task
def rebuild_redis_if_lost() -> list[str]:
    """Refills Redis from PostgreSQL after it restarted empty or was flushed (aigo.redis.rebuild)."""
    from aigo.redis.rebuild import redis_rebuild_if_lost

    return redis_rebuild_if_lost()


@shared_task
def ensure_partitions() -> dict[str, int]:
    """Keeps partitions ahead of time for every partitioned table (safe to run at any time)."""
    from aigo.db.partitions import partitions_ensure

    return partitions_ensure()


@shared_task
def capture_slow_queries() -> int:
    """Copies the statements that ran slowly since the last run from pg_stat_statements into
    slow_query_log (one advisory-locked capture at a time)."""
    from aigo.db.health import slow_queries_capture

    return slow_queries_capture()


@shared_task
def maintain_replicas() -> dict[str, str]:
    """Partitions and materialized views on each read replica, which logical replication does
    not carry (nothing to do without AIGO_DB_REPLICAS)."""
    from aigo.db.replication import replicas_maintain

    return replicas_maintain()
