"""Probe ingestion: POST /api/v1/status/probes, the COPY service, the live state in Redis, rebuild_redis."""

import io
import json
import queue
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.keys import api_key_issue
from aigo.redis import redis_client, rkey
from status.ingest import MAX_ROWS, InvalidProbes, probes_ingest, probes_validate
from status.live import STATUS_TTL
from tests.catalog.factories import AIModelFactory
from tests.db import sql as _sql

pytestmark = [pytest.mark.django_db, pytest.mark.pgbouncer]

URL = "/api/v1/status/probes"


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


@pytest.fixture
def models():
    return AIModelFactory(slug="gpt-4"), AIModelFactory(slug="claude-3")


@pytest.fixture
def key() -> str:
    return api_key_issue(name="prober", scopes=["write:status"])[1]


@pytest.fixture
def post(client, key):
    def post(body, *, content_type="application/json", query="", auth=True):
        data = body if isinstance(body, str | bytes) else json.dumps(body)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if auth else {}
        return client.post(URL + query, data=data, content_type=content_type, **headers)

    return post


@pytest.fixture
def now() -> datetime:
    return timezone.now().replace(microsecond=0)


def probe(when: datetime, **fields) -> dict:
    return {
        "time": _iso(when),
        "model": "gpt-4",
        "region": "us-east",
        "probe_location": "us-east-1",
        "availability": 99.92,
        "latency_p50": 420,
        "latency_p95": 980,
        "latency_p99": 1500,
        "error_rate": 0.08,
        "error_types": {"timeout": 2},
        "requests_per_minute": 3400,
        "tokens_per_minute": 1_200_000,
        "status_code_distribution": {"200": 3398, "504": 2},
        "metadata": {"lat": 38.9072, "lon": -77.0369},
        **fields,
    }


def batch(now: datetime) -> list[dict]:
    return [
        probe(now - timedelta(minutes=7)),
        probe(now - timedelta(minutes=1), availability=99.5),
        probe(now - timedelta(minutes=1), model="claude-3", region="eu-west", probe_location=None, metadata=None),
    ]


def _stored() -> int:
    return _sql("SELECT count(*) FROM status_probes")[0][0]


# Storing


def test_a_valid_batch_is_stored_with_its_rollup_keys_queued(post, models, now):
    response = post({"probes": batch(now)})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body == {
        "received": 3,
        "stored": 3,
        "duplicates": 0,
        "rejected": 0,
        "errors": [],
        "live_state_updated": True,
    }
    rows = _sql(
        "SELECT m.slug, p.region, p.probe_location, p.availability::text, p.latency_p95, p.error_types,"
        " p.metadata FROM status_probes p JOIN models m ON m.id = p.model_id ORDER BY p.time, m.slug"
    )
    assert rows[0][:5] == ("gpt-4", "us-east", "us-east-1", "99.92", 980)
    assert [json.loads(value) for value in rows[0][5:]] == [{"timeout": 2}, {"lat": 38.9072, "lon": -77.0369}]
    assert {row[:3] for row in rows} == {("gpt-4", "us-east", "us-east-1"), ("claude-3", "eu-west", None)}
    expected = _sql(
        "SELECT DISTINCT model_id, region, time_bucket('5 minutes', time) FROM status_probes ORDER BY 1, 2, 3"
    )
    assert _sql("SELECT model_id, region, bucket FROM status_rollup_queue ORDER BY 1, 2, 3") == expected
    assert len(expected) >= 2


def test_the_same_batch_again_stores_nothing_twice(post, models, now):
    assert post(batch(now)).json()["stored"] == 3
    queued = _sql("SELECT count(*) FROM status_rollup_queue")
    response = post(batch(now))  # a retry, including the probe without a location (NULLS NOT DISTINCT)
    assert response.status_code == 200
    assert response.json() == {
        "received": 3,
        "stored": 0,
        "duplicates": 3,
        "rejected": 0,
        "errors": [],
        "live_state_updated": True,
    }
    assert _stored() == 3
    assert _sql("SELECT count(*) FROM status_rollup_queue") == queued


def test_duplicates_within_one_batch_are_stored_once(post, models, now):
    body = post([probe(now), probe(now)]).json()
    assert (body["stored"], body["duplicates"]) == (1, 1)


def test_ndjson_is_accepted_and_blank_lines_skipped(post, models, now):
    lines = "\n".join(json.dumps(row) for row in batch(now)) + "\n\n"
    response = post(lines, content_type="application/x-ndjson")
    assert response.status_code == 201, response.json()
    assert response.json()["stored"] == 3
    assert _stored() == 3


def test_a_model_may_be_named_by_id(post, models, now):
    response = post([probe(now, model=str(models[1].id)), probe(now, model_id="gpt-4")])
    assert response.status_code == 201, response.json()
    assert sorted(_sql("SELECT model_id FROM status_probes")) == sorted([(models[0].id,), (models[1].id,)])


def test_rows_land_in_their_daily_partition(post, models, now):
    days_ago = now - timedelta(days=2)
    assert post([probe(now), probe(days_ago)]).status_code == 201
    rows = _sql("SELECT tableoid::regclass::text, time FROM status_probes ORDER BY time")
    assert [partition for partition, _ in rows] == [
        f"status_probes_{when.astimezone(UTC):%Y_%m_%d}" for when in (days_ago, now)
    ]


def test_the_models_of_a_batch_are_resolved_in_one_query(models, now, django_assert_num_queries):
    rows = [
        probe(now - timedelta(seconds=n), model=("gpt-4", "claude-3", str(models[0].id))[n % 3]) for n in range(300)
    ]
    with django_assert_num_queries(1):
        valid, errors = probes_validate(rows)
    assert errors == [] and len(valid.rows) == 300


@pytest.fixture
def big_bodies(settings):
    """A full JSON batch is bigger than Django's in-memory body cap; nothing may read it whole."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # Django's default: the request log must not read big bodies


def test_a_full_batch_of_10000_rows_is_stored(big_bodies, post, models, now):
    rows = [
        probe(now - timedelta(seconds=n % 3600), region=("us-east", "eu-west")[n // 3600 % 2]) for n in range(MAX_ROWS)
    ]
    rows = [row | {"probe_location": f"loc-{n // 7200}"} for n, row in enumerate(rows)]
    response = post(rows)
    assert response.status_code == 201, response.json()
    assert response.json()["stored"] == MAX_ROWS
    assert _stored() == MAX_ROWS


# Refusing


def _invalid_cases(now: datetime) -> list[tuple[dict, str]]:
    return [
        (probe(now, model="no-such-model"), "model"),
        (probe(now, model=None), "model"),
        (probe(now, model=42), "model"),
        (probe(now, region="mars-north"), "region"),
        (probe(now, availability=101), "availability"),
        (probe(now, availability="99.9"), "availability"),
        (probe(now, error_rate=-0.5), "error_rate"),
        (probe(now, latency_p95=-1), "latency_p95"),
        (probe(now, latency_p50=12.5), "latency_p50"),
        (probe(now, requests_per_minute=True), "requests_per_minute"),
        (probe(now, tokens_per_minute=2**63), "tokens_per_minute"),
        (probe(now + timedelta(minutes=5)), "time"),
        (probe(now - timedelta(days=91)), "time"),
        (probe(now, time="2026-01-15T10:30:00"), "time"),
        (probe(now, time="yesterday"), "time"),
        (probe(now, time=1700000000), "time"),
        ({k: v for k, v in probe(now).items() if k != "time"}, "time"),
        (probe(now, metadata=["not", "an", "object"]), "metadata"),
        (probe(now, metadata={"lat": 95, "lon": 0}), "metadata.lat"),
        (probe(now, probe_location="x" * 51), "probe_location"),
        (probe(now, availabilty=99), "availabilty"),
    ]


@pytest.mark.parametrize("case", range(21))
def test_an_invalid_row_refuses_the_whole_batch(post, models, now, case):
    cases = _invalid_cases(now)
    assert len(cases) == 21
    invalid, field = cases[case]
    response = post([probe(now - timedelta(minutes=1)), invalid])
    assert response.status_code == 400, response.json()
    error = response.json()["error"]
    assert error["code"] == "invalid_probes"
    assert {(e["index"], e["field"]) for e in error["details"]["errors"]} == {(1, field)}
    assert _stored() == 0
    assert _sql("SELECT count(*) FROM status_rollup_queue") == [(0,)]


def test_a_row_that_is_not_an_object_is_an_error_of_its_own(post, models, now):
    errors = post([probe(now), "probe"]).json()["error"]["details"]["errors"]
    assert errors == [{"index": 1, "field": None, "message": "A probe must be a JSON object."}]


def test_partial_stores_the_valid_rows_and_lists_the_rejects(post, models, now):
    rows = [
        probe(now),
        probe(now, availability=101, latency_p95=-3),
        probe(now, region="mars"),
        probe(now - timedelta(seconds=1)),
    ]
    response = post(rows, query="?partial=true")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["received"], body["stored"], body["duplicates"], body["rejected"]) == (4, 2, 0, 2)
    assert sorted((e["index"], e["field"]) for e in body["errors"]) == [
        (1, "availability"),
        (1, "latency_p95"),
        (2, "region"),
    ]
    assert _stored() == 2


def test_partial_with_nothing_valid_stores_nothing(post, models, now):
    response = post([probe(now, region="mars")], query="?partial=1")
    assert response.status_code == 200
    assert response.json()["stored"] == 0 and response.json()["rejected"] == 1


def test_a_bad_partial_flag_is_a_400(post, models, now):
    response = post([probe(now)], query="?partial=maybe")
    assert response.status_code == 400
    assert "partial" in response.json()["error"]["details"]["fields"]


def test_more_than_10000_rows_is_a_413(post, models, now):
    rows = [{"time": _iso(now), "model": "gpt-4", "region": "us-east"}] * (MAX_ROWS + 1)
    response = post(rows)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    assert response.json()["error"]["details"] == {"max_rows": MAX_ROWS, "rows": MAX_ROWS + 1}
    ndjson = "\n".join(json.dumps(row) for row in rows)
    assert post(ndjson, content_type="application/x-ndjson").status_code == 413
    assert _stored() == 0


def test_a_body_over_the_byte_cap_is_a_413(big_bodies, post, models, now):
    response = post([probe(now, probe_location="x" * (9 * 1024 * 1024))])
    assert response.status_code == 413
    assert response.json()["error"]["details"] == {"max_bytes": 8 * 1024 * 1024}


def test_malformed_json_is_a_400_naming_the_line(post, models):
    response = post('[\n{"time": "2026-01-01T00:00:00Z",\n "model": }]')
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "malformed_json" and error["details"]["line"] == 3


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_non_standard_json_numbers_are_a_400_not_a_failed_copy(post, models, now, literal):
    # Python's json accepts NaN; jsonb and numeric columns do not, so it must stop at the door.
    body = json.dumps([probe(now)])[:-2] + f', "metadata": {{"x": {literal}}}}}]'
    response = post(body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_json"
    assert _stored() == 0


def test_a_malformed_ndjson_line_is_a_400_naming_it(post, models, now):
    body = json.dumps(probe(now)) + "\n{oops\n" + json.dumps(probe(now))
    response = post(body, content_type="application/x-ndjson")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_ndjson"
    assert response.json()["error"]["details"] == {"line": 2}
    assert "Line 2" in response.json()["error"]["message"]


def test_a_body_that_is_not_a_list_is_a_400(post, models):
    assert post({"probe": []}).json()["error"]["code"] == "invalid_body"
    assert post([]).json()["error"]["code"] == "empty_batch"


def test_another_content_type_is_a_415(post, models, now):
    assert post("time=now", content_type="application/x-www-form-urlencoded").status_code == 415


def test_without_a_key_it_is_a_401(post, models, now):
    response = post([probe(now)], auth=False)
    assert response.status_code == 401
    assert response.json()["error"]["details"] == {"required_scope": "write:status"}
    assert _stored() == 0


def test_a_key_without_write_status_is_a_403(client, models, now):
    _, other = api_key_issue(name="reader", scopes=["read:status"])
    response = client.post(
        URL, data=json.dumps([probe(now)]), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {other}"
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "insufficient_scope"
    assert _stored() == 0


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
        b"last_updated": _iso(now - timedelta(minutes=1)).encode(),
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
    assert _stored() == 3


def test_the_api_stores_the_rows_when_redis_is_down_and_says_so(
    redis_down, post, models, now, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post(batch(now))
    assert response.status_code == 201, response.json()
    assert response.json()["stored"] == 3
    assert response.json()["live_state_updated"] is False
    assert len(callbacks) == 1
    assert _stored() == 3


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


def test_invalid_probes_raise_before_anything_is_stored(models, now):
    with pytest.raises(InvalidProbes) as raised:
        probes_ingest(rows=[probe(now), probe(now, region="mars")])
    assert [error["index"] for error in raised.value.errors] == [1]
    assert _stored() == 0
