"""Probe ingestion: POST /api/v1/status/probes and the COPY service, what is stored and what is refused."""

import json
from datetime import datetime, timedelta

import pytest

from accounts.keys import api_key_issue
from status.ingest import MAX_ROWS, InvalidProbes, probes_ingest, probes_validate
from tests.db import sql as _sql
from tests.timeseries import day_of, holders

from .probes import URL, batch, iso, probe, stored_probes
from .rollups import rolled_up_probes, rollup_keys, rollups_current

pytestmark = [pytest.mark.django_db, pytest.mark.pgbouncer]


# Storing


def test_a_valid_batch_is_stored_and_reaches_the_rollups(post, models, now):
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
    rollups_current()
    assert rollup_keys() == expected
    assert len(expected) >= 2


def test_the_same_batch_again_stores_nothing_twice(post, models, now):
    assert post(batch(now)).json()["stored"] == 3
    rollups_current()
    assert rolled_up_probes() == 3
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
    assert stored_probes() == 3
    rollups_current()
    assert rolled_up_probes() == 3


def test_duplicates_within_one_batch_are_stored_once(post, models, now):
    body = post([probe(now), probe(now)]).json()
    assert (body["stored"], body["duplicates"]) == (1, 1)


def test_ndjson_is_accepted_and_blank_lines_skipped(post, models, now):
    lines = "\n".join(json.dumps(row) for row in batch(now)) + "\n\n"
    response = post(lines, content_type="application/x-ndjson")
    assert response.status_code == 201, response.json()
    assert response.json()["stored"] == 3
    assert stored_probes() == 3


def test_a_model_may_be_named_by_id(post, models, now):
    response = post([probe(now, model=str(models[1].id)), probe(now, model_id="gpt-4")])
    assert response.status_code == 201, response.json()
    assert sorted(_sql("SELECT model_id FROM status_probes")) == sorted([(models[0].id,), (models[1].id,)])


def test_rows_land_in_their_days_partition_or_chunk(post, models, now):
    days_ago = now - timedelta(days=2)
    assert post([probe(now), probe(days_ago)]).status_code == 201
    assert holders("status_probes", "time") == [day_of(days_ago), day_of(now)]


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
    assert stored_probes() == MAX_ROWS


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
    assert stored_probes() == 0
    rollups_current()
    assert rollup_keys() == []


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
    assert stored_probes() == 2


def test_partial_with_nothing_valid_stores_nothing(post, models, now):
    response = post([probe(now, region="mars")], query="?partial=1")
    assert response.status_code == 200
    assert response.json()["stored"] == 0 and response.json()["rejected"] == 1


def test_a_bad_partial_flag_is_a_400(post, models, now):
    response = post([probe(now)], query="?partial=maybe")
    assert response.status_code == 400
    assert "partial" in response.json()["error"]["details"]["fields"]


def test_more_than_10000_rows_is_a_413(post, models, now):
    rows = [{"time": iso(now), "model": "gpt-4", "region": "us-east"}] * (MAX_ROWS + 1)
    response = post(rows)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    assert response.json()["error"]["details"] == {"max_rows": MAX_ROWS, "rows": MAX_ROWS + 1}
    ndjson = "\n".join(json.dumps(row) for row in rows)
    assert post(ndjson, content_type="application/x-ndjson").status_code == 413
    assert stored_probes() == 0


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
    assert stored_probes() == 0


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
    assert stored_probes() == 0


def test_a_key_without_write_status_is_a_403(client, models, now):
    _, other = api_key_issue(name="reader", scopes=["read:status"])
    response = client.post(
        URL, data=json.dumps([probe(now)]), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {other}"
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "insufficient_scope"
    assert stored_probes() == 0


def test_invalid_probes_raise_before_anything_is_stored(models, now):
    with pytest.raises(InvalidProbes) as raised:
        probes_ingest(rows=[probe(now), probe(now, region="mars")])
    assert [error["index"] for error in raised.value.errors] == [1]
    assert stored_probes() == 0
