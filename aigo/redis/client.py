"""Raw Redis access for the structures the seed names (status hashes, rankings, heartbeat...).

Every key goes through `rkey()` so tests (and several deployments sharing one Redis) can give
the project a prefix of its own.

The same code runs on a single Redis and on a Redis Cluster (REDIS_CLUSTER_URLS, see
aigo.redis.cluster): keys used by one multi-key command or MULTI share a hash tag ("{views}")
so they live in one slot, and where keys cannot share one the helpers below split the work.
"""

import redis.asyncio as aioredis
from django.conf import settings
from django_redis import get_redis_connection
from django_redis.exceptions import ConnectionInterrupted
from redis import Redis
from redis.asyncio.cluster import ClusterNode as AsyncClusterNode
from redis.cluster import RedisCluster

from aigo.redis.cluster import cluster_location, startup_nodes


def redis_client() -> Redis | RedisCluster:
    try:
        return get_redis_connection("default")
    except ConnectionInterrupted as error:
        raise error.__cause__ from None  # an unreachable cluster: the RedisError callers expect


async def async_redis_client() -> aioredis.Redis | aioredis.RedisCluster:
    """A redis.asyncio client for async views, on the same server(s) as redis_client().

    A cluster client is initialized here: its pub/sub picks a node from the slot map, which a
    fresh client has not loaded yet. Raises RedisClusterException when no node answers.
    """
    location = cluster_location()
    if location is None:
        return aioredis.from_url(settings.REDIS_URL, socket_connect_timeout=1)
    nodes = [AsyncClusterNode(host, port) for host, port in startup_nodes(location)]
    client = aioredis.RedisCluster(startup_nodes=nodes, socket_connect_timeout=1)
    await client.initialize()
    return client


def is_cluster(client) -> bool:
    return isinstance(client, RedisCluster | aioredis.RedisCluster)


def mget(client, keys: list[str]) -> list:
    """MGET of keys that may live in different cluster slots (one MGET per node on a cluster)."""
    return client.mget_nonatomic(keys) if is_cluster(client) else client.mget(keys)


def rkey(*parts: str) -> str:
    return settings.AIGO_REDIS_PREFIX + ":".join(parts)
