"""Redis Cluster support (aigo.redis.cluster): keys used together share one slot, and on a cluster
the cache, raw clients and pub/sub behave as on a single Redis.

`make test-redis-cluster` runs this module, with the other Redis-dependent tests, against a local
3-master cluster (scripts/redis_cluster.sh). The slot checks run on a single Redis too, with
redis-py's copy of the cluster's CRC16 instead of the server's CLUSTER KEYSLOT.
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from redis.crc import key_slot
from redis.exceptions import RedisError

from aigo.redis import is_cluster, redis_client
from analytics.trending import DAYS, _decayed_key, _today, day_key
from news.view_counts import _flush_key, _flushes_key, _pending_key
from status.live import status_key

on_cluster = pytest.mark.skipif(not settings.REDIS_CLUSTER_URLS, reason="runs under make test-redis-cluster")


def _slot(key: str) -> int:
    client = redis_client()
    return client.cluster_keyslot(key) if is_cluster(client) else key_slot(key.encode())


def test_trending_days_and_their_union_share_a_slot():
    """ZUNIONSTORE in trending_scores and the MULTI of trending_rebuild."""
    today = _today()
    keys = [_decayed_key(), *(day_key(today - timedelta(days=age)) for age in range(DAYS))]
    assert len({_slot(key) for key in keys}) == 1


def test_view_count_keys_share_a_slot():
    """The RENAME script of article_views_flush and the MULTI that forgets an applied flush."""
    keys = [_pending_key(), _flush_key("a1"), _flush_key("b2"), _flushes_key()]
    assert len({_slot(key) for key in keys}) == 1


def test_status_hashes_are_spread_over_slots():
    """The seed's status:{model}:{region} braces are placeholders, not hash tags: the live state is
    spread over the cluster, which is why live_state_publish uses a plain pipeline there."""
    keys = [status_key(model, region) for model in ("gpt-4", "claude-3", "gemini") for region in ("us-east", "eu-west")]
    assert not any("{" in key for key in keys)
    assert len({_slot(key) for key in keys}) > 1


@on_cluster
def test_the_cache_and_raw_keys_are_on_the_cluster():
    assert is_cluster(redis_client())
    data = {f"cluster-test-{n}": n for n in range(20)}
    assert len({_slot(str(cache.client.make_key(key))) for key in data}) > 1
    cache.set_many(data, 30)
    try:
        assert cache.get_many([*data, "cluster-test-missing"]) == data
    finally:
        cache.delete_many(data)
    assert cache.get_many(data) == {}


@on_cluster
def test_an_unreachable_cluster_is_a_redis_error(redis_down):
    assert cache.get("anything") is None  # IGNORE_EXCEPTIONS, as on a single Redis
    with pytest.raises(RedisError):
        redis_client()


@on_cluster
def test_a_publish_reaches_subscribers_on_every_node():
    """The SSE stream and the cache invalidation listener subscribe through one node only."""
    client = redis_client()
    subscribers = [client.get_redis_connection(node).pubsub() for node in client.get_primaries()]
    assert len(subscribers) == 3
    try:
        for pubsub in subscribers:
            pubsub.subscribe("cluster-test-channel")
            assert pubsub.get_message(timeout=2)["type"] == "subscribe"
        client.publish("cluster-test-channel", "hello")
        for pubsub in subscribers:
            assert pubsub.get_message(timeout=2)["data"] == b"hello"
    finally:
        for pubsub in subscribers:
            pubsub.close()
