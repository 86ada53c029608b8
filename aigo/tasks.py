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
def ensure_partitions() -> dict[str, int]:
    """Keeps partitions ahead of time for every partitioned table (safe to run at any time)."""
    from aigo.partitions import partitions_ensure

    return partitions_ensure()
