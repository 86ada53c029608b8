"""The events buffer (analytics/buffer.py): one stream entry per accepted request, drained into
analytics_events once, whatever is delivered twice, left pending by a dead drain, or refused by
Redis."""

import json
import uuid

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from aigo.redis import redis_client
from analytics.buffer import FIELD, GROUP, _group_ensure, _lock_key, _stream_key, events_drain
from analytics.trending import _today, day_key
from tests.catalog.factories import AIModelFactory
from tests.db import sql

pytestmark = pytest.mark.django_db

URL = "/api/v1/events"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
VIEWS = [{"type": "model_view", "session_id": "s-1", "properties": {"model": "gpt-4"}}] * 2 + [
    {"type": "page_view", "session_id": "s-1", "properties": {"path": "/models"}}
]


@pytest.fixture
def model():
    return AIModelFactory(slug="gpt-4")


@pytest.fixture
def send(client, model):
    def send(events=VIEWS):
        response = client.post(URL, data=json.dumps(events), content_type="text/plain", HTTP_USER_AGENT=BROWSER)
        assert response.status_code == 202, response.content
        return response

    return send


@pytest.fixture
def drain(django_capture_on_commit_callbacks):
    """A drain run as the beat task does, trending counted after its commit."""

    def drain(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return events_drain(**kwargs)

    return drain


def _rows() -> list[tuple]:
    return sql("SELECT id, timestamp, event_type FROM analytics_events ORDER BY id")


def _views_today(model) -> float | None:
    return redis_client().zscore(day_key(_today()), str(model.id))


def test_a_request_is_one_stream_entry_stored_by_the_drain_then_deleted(send, drain, model):
    assert send().json() == {"received": 3, "stored": 3}
    client = redis_client()
    assert client.xlen(_stream_key()) == 1
    assert _rows() == []
    assert drain() == 3
    rows = _rows()
    assert len(rows) == 3 and len({row[0] for row in rows}) == 3
    assert len({row[1] for row in rows}) == 1  # the time it was accepted, not the time it was drained
    assert _views_today(model) == 2
    assert client.xlen(_stream_key()) == 0
    assert client.xpending(_stream_key(), GROUP)["pending"] == 0


def test_an_entry_delivered_twice_is_stored_and_counted_once(send, drain, model):
    send()
    ((_entry_id, fields),) = redis_client().xrange(_stream_key())
    assert drain() == 3
    redis_client().xadd(_stream_key(), {FIELD: fields[FIELD.encode()]})  # the same rows, same ids
    assert drain() == 0
    assert len(_rows()) == 3
    assert _views_today(model) == 2


def test_rows_store_what_their_request_shares_and_entries_of_the_earlier_format_are_stored_too(send, drain):
    send()
    earlier = {  # before batches shared their columns: a JSON array of whole rows
        "id": str(uuid.uuid4()),
        "timestamp": timezone.now().isoformat(),
        "session_id": "s-earlier",
        "event_type": "page_view",
        "event_properties": {"path": "/"},
        "user_properties": {},
        "device_properties": {"type": "mobile"},
        "geo_properties": {"region": "eu-west", "country": "DE"},
        "referrer_properties": {},
    }
    redis_client().xadd(_stream_key(), {FIELD: json.dumps([earlier])})
    assert drain() == 4
    rows = sql(
        "SELECT session_id, device_properties::text, geo_properties::text, count(*), count(DISTINCT timestamp)"
        " FROM analytics_events GROUP BY 1, 2, 3 ORDER BY 1"
    )
    assert rows == [
        ("s-1", '{"type": "desktop"}', '{"region": "unknown", "country": "unknown"}', 3, 1),
        ("s-earlier", '{"type": "mobile"}', '{"region": "eu-west", "country": "DE"}', 1, 1),
    ]


def test_entries_a_dead_drain_left_pending_are_claimed_once_idle_long_enough(send, drain):
    send()
    send()
    client = redis_client()
    _group_ensure(client, _stream_key())
    read = client.xreadgroup(GROUP, "dead-worker:1", {_stream_key(): ">"}, count=10)
    assert len(read[0][1]) == 2  # read, never acknowledged
    assert drain(claim_idle_seconds=60) == 0  # maybe still at work: left alone
    assert drain(claim_idle_seconds=0) == 6
    assert client.xpending(_stream_key(), GROUP)["pending"] == 0


def test_a_drain_returns_at_once_while_another_holds_the_lock(send, drain):
    send()
    redis_client().set(_lock_key(), "another-drain", ex=30)
    assert drain() is None
    assert _rows() == []
    redis_client().delete(_lock_key())
    assert drain() == 3


def test_a_refused_xadd_stores_the_batch_directly(send, django_capture_on_commit_callbacks, model):
    redis_client().set(_stream_key(), "not a stream")  # XADD now fails with WRONGTYPE
    with django_capture_on_commit_callbacks(execute=True):
        send()
    assert len(_rows()) == 3
    assert _views_today(model) == 2


def test_the_database_refuses_an_event_id_twice_at_the_same_time():
    row = [str(uuid.uuid4()), timezone.now()]
    insert = "INSERT INTO analytics_events (id, timestamp, event_type) VALUES (%s, %s, 'page_view')"
    sql(insert, row)
    with pytest.raises(IntegrityError), transaction.atomic():
        sql(insert, row)
    assert sql(insert + " ON CONFLICT (id, timestamp) DO NOTHING", row) == 0


def test_a_machine_gone_with_nothing_pending_is_dropped_from_the_group(send, drain):
    send()
    client = redis_client()
    _group_ensure(client, _stream_key())
    client.xreadgroup(GROUP, "gone-machine", {_stream_key(): ">"}, count=10)
    assert drain(claim_idle_seconds=0) == 3  # claimed from it: it has nothing pending now
    assert "gone-machine" in _consumers()
    drain(claim_idle_seconds=0)
    assert "gone-machine" not in _consumers()


def _consumers() -> set[str]:
    return {consumer["name"].decode() for consumer in redis_client().xinfo_consumers(_stream_key(), GROUP)}
