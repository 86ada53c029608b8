"""The live state in Redis after an ingested batch commits, and rebuild_redis refilling it."""

import io
import json
import queue
import threading
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command

from aigo.redis import redis_client, rkey
from status.ingest import probes_ingest
from status.live import STATUS_TTL

from .probes import batch, iso, probe, stored_probes

pytestmark = [pytest.mark.django_db, pytest.mark.pgbouncer]


# The live state in Redis


def test_the_live_state_is_in_redis_after_the_commit(post, models, now, django_capture_on_commit_callbacks):
    client = redis_client()
    pubsub = client.pubsub()
    pubsub.subscribe(rkey("status", "updates", "gpt-4"))
    assert pubsub.get_message(timeout=2)["type"] == "subscribe"
    received = queue.Queue()

    def listen():
        message = pubsub.get_message(ignore_subscribe_messages=True, timeout=5)
        received.put(message)

    listener = threading.Thread(target=listen)
    listener.start()
    rows = batch(now) + [probe(now - timedelta(minutes=2), region="eu-west", availability=98.5, latency_p95=1020)]
    rows += [
        probe(
            now - timedelta(days=1),
            region="asia-east",
            probe_location="asia-east-1",
            metadata={"lat": 1.35, "lon": 103.8},
        )
    ]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post(rows)
    assert response.status_code == 201 and len(callbacks) == 1
    listener.join(timeout=6)
    pubsub.close()

    key = rkey("status", "gpt-4", "us-east")
    assert client.hgetall(key) == {
        b"availability": b"99.5",
        b"latency_p95": b"980",
        b"error_rate": b"0.08",
        b"rpm": b"3400",
        b"last_updated": iso(now - timedelta(minutes=1)).encode(),
    }
    assert 0 < client.ttl(key) <= STATUS_TTL
    assert client.exists(rkey("status", "claude-3", "eu-west"))
    # A day-old probe is stored, but is not live.
    assert not client.exists(rkey("status", "gpt-4", "asia-east"))
    # Multi-region models score the mean of the regions just updated.
    assert client.zscore(rkey("models", "by", "availability"), "gpt-4") == pytest.approx((99.5 + 98.5) / 2)
    assert client.zscore(rkey("models", "by", "latency"), "gpt-4") == pytest.approx(1000)
    assert client.zscore(rkey("models", "by", "usage"), "claude-3") == 3400
    (lon, lat), other = client.geopos(rkey("probes", "locations"), "us-east-1", "asia-east-1")
    assert (lon, lat) == (pytest.approx(-77.0369, abs=1e-4), pytest.approx(38.9072, abs=1e-4))
    assert other is not None
    message = received.get_nowait()
    assert message["channel"] == rkey("status", "updates", "gpt-4").encode()
    update = json.loads(message["data"])
    assert update["model"] == "gpt-4"
    assert update["regions"]["us-east"]["availability"] == 99.5
    assert set(update["regions"]) == {"us-east", "eu-west"}


def test_nothing_reaches_redis_when_the_transaction_rolls_back(models, now, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        probes_ingest(rows=[probe(now)])
    assert len(callbacks) == 1  # waits for the commit, which here never comes
    assert not redis_client().exists(rkey("status", "gpt-4", "us-east"))


def test_the_service_stores_the_rows_when_redis_is_down(redis_down, models, now, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = probes_ingest(rows=batch(now))
    assert report.stored == 3
    assert report.live_state_updated is False
    assert stored_probes() == 3


def test_the_api_stores_the_rows_when_redis_is_down_and_says_so(
    redis_down, post, models, now, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post(batch(now))
    assert response.status_code == 201, response.json()
    assert response.json()["stored"] == 3
    assert response.json()["live_state_updated"] is False
    assert len(callbacks) == 1
    assert stored_probes() == 3


def test_the_api_says_the_live_state_is_updated(post, models, now, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(batch(now))
    assert response.json()["live_state_updated"] is True
    assert redis_client().exists(rkey("status", "gpt-4", "us-east"))


# rebuild_redis


def _flush_prefix(prefix: str) -> None:
    client = redis_client()
    keys = list(client.scan_iter(match=f"{prefix}*"))
    if keys:
        client.delete(*keys)


def test_rebuild_redis_refills_the_live_state_after_a_flush(
    post, models, now, redis_prefix, django_capture_on_commit_callbacks
):
    rows = batch(now) + [
        probe(now - timedelta(minutes=30), model="claude-3", region="asia-east", probe_location="sg-1")
    ]
    with django_capture_on_commit_callbacks(execute=True):
        post(rows)
    client = redis_client()
    before = client.hgetall(rkey("status", "gpt-4", "us-east"))
    client.zadd(rkey("models", "by", "availability"), {"retired-model": 10})
    _flush_prefix(redis_prefix)
    client.zadd(rkey("models", "by", "availability"), {"retired-model": 10})

    out = io.StringIO()
    call_command("rebuild_redis", stdout=out)

    assert "2 model/region pairs" in out.getvalue()
    assert client.hgetall(rkey("status", "gpt-4", "us-east")) == before
    assert 0 < client.ttl(rkey("status", "gpt-4", "us-east")) <= STATUS_TTL
    assert client.hget(rkey("status", "claude-3", "eu-west"), "rpm") == b"3400"
    assert not client.exists(rkey("status", "claude-3", "asia-east"))  # outside the 10-minute window
    # Rankings are rebuilt from scratch: a model no longer probed drops out.
    assert set(client.zrange(rkey("models", "by", "availability"), 0, -1)) == {b"gpt-4", b"claude-3"}
    assert client.geopos(rkey("probes", "locations"), "us-east-1")[0] is not None


def test_rebuild_redis_fails_loudly_when_redis_is_down(redis_down, models):
    with pytest.raises(CommandError, match="unreachable"):
        call_command("rebuild_redis", stdout=io.StringIO())
