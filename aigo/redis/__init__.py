"""Redis: the client every part of the project uses (`client`), django-redis on a Redis Cluster
(`cluster`), and the registry of what `manage.py rebuild_redis` rebuilds (`rebuild`)."""

from aigo.redis.client import async_redis_client, is_cluster, mget, redis_client, rkey

__all__ = ["async_redis_client", "is_cluster", "mget", "redis_client", "rkey"]
