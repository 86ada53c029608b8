"""django-redis on a Redis Cluster: the Django cache, sessions and `aigo.redis.redis_client()`.

django-redis has no cluster client: its DefaultClient reads a comma-separated LOCATION as one
master and its read replicas. This client reads LOCATION as the cluster's startup nodes and
serves every operation from one redis.cluster.RedisCluster, which sends each key to the node
that owns its slot. Settings switch it on when REDIS_CLUSTER_URLS is set.
"""

import threading
from urllib.parse import urlparse

from django.conf import settings
from django_redis.client import DefaultClient
from django_redis.exceptions import ConnectionInterrupted
from redis.cluster import ClusterNode, RedisCluster
from redis.exceptions import ConnectionError, RedisClusterException, RedisError

CLIENT_CLASS = "aigo.redis.cluster.ClusterClient"

# One RedisCluster per process and LOCATION (it is thread-safe and learning the slot map costs
# round trips), as django-redis keeps one connection pool per URL.
_clusters: dict[tuple, RedisCluster] = {}
_lock = threading.Lock()


def cluster_location() -> str | None:
    """The startup nodes' URLs when the cache, and so every Redis user, is on a Redis Cluster.

    Read from the cache settings rather than REDIS_CLUSTER_URLS so that pointing the cache at a
    closed port (tests.db.stop_redis) takes the async stream's client down with it.
    """
    cache = settings.CACHES["default"]
    return cache["LOCATION"] if cache.get("OPTIONS", {}).get("CLIENT_CLASS") == CLIENT_CLASS else None


def startup_nodes(location: str) -> list[tuple[str, int]]:
    nodes = []
    for url in location.split(","):
        parsed = urlparse(url.strip())
        nodes.append((parsed.hostname or "127.0.0.1", parsed.port or 6379))
    return nodes


class ClusterClient(DefaultClient):
    def __init__(self, server, params, backend) -> None:
        # The whole LOCATION is one cluster: django-redis must not split it into replicas.
        location = server if isinstance(server, str) else ",".join(server)
        super().__init__([location], params, backend)

    def connect(self, index: int = 0) -> RedisCluster:
        options = self._options
        key = (self._server[0], options.get("SOCKET_CONNECT_TIMEOUT"), options.get("SOCKET_TIMEOUT"))
        with _lock:
            cluster = _clusters.get(key)
            if cluster is None:
                try:
                    cluster = RedisCluster(
                        startup_nodes=[ClusterNode(host, port) for host, port in startup_nodes(self._server[0])],
                        socket_connect_timeout=options.get("SOCKET_CONNECT_TIMEOUT"),
                        socket_timeout=options.get("SOCKET_TIMEOUT"),
                        password=options.get("PASSWORD"),
                    )
                except (RedisClusterException, RedisError) as error:
                    # No node answered. RedisCluster says so with an exception that is no RedisError;
                    # make it the ConnectionError a single Redis gives, which IGNORE_EXCEPTIONS and
                    # every `except RedisError` in the project already handle.
                    raise ConnectionInterrupted(connection=None) from ConnectionError(str(error))
                _clusters[key] = cluster
        return cluster

    def disconnect(self, index: int = 0, client=None) -> None:
        """Nothing to do: the RedisCluster is shared by the process (see _clusters)."""

    def get_many(self, keys, version=None, client=None) -> dict:
        # MGET needs every key in one slot; mget_nonatomic asks each node for its own keys.
        if client is None:
            client = self.get_client(write=False)
        made = {self.make_key(key, version=version): key for key in keys}
        if not made:
            return {}
        try:
            values = client.mget_nonatomic(list(made))
        except RedisError as error:
            raise ConnectionInterrupted(connection=client) from error
        return {made[key]: self.decode(value) for key, value in zip(made, values, strict=True) if value is not None}
