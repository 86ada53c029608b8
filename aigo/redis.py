"""Raw Redis access for the structures the seed names (status hashes, rankings, heartbeat...).

Every key goes through `rkey()` so tests (and several deployments sharing one Redis) can give
the project a prefix of its own.
"""

from django.conf import settings
from django_redis import get_redis_connection
from redis import Redis


def redis_client() -> Redis:
    return get_redis_connection("default")


def rkey(*parts: str) -> str:
    return settings.AIGO_REDIS_PREFIX + ":".join(parts)
