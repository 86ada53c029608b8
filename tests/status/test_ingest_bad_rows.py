"""Hand-made bad probe rows and times (issue 15: D10, D11, D15): each a row error of its own, with
and without ?partial=true, never a failed COPY or query for the whole batch."""

import json
from datetime import datetime, timedelta, timezone

import pytest

from aigo.db.values import JSON_MAX_DEPTH, UTC_OFFSET_MESSAGE

from .probes import probe, stored_probes

pytestmark = [pytest.mark.django_db, pytest.mark.pgbouncer]

AMBIGUOUS = "Ambiguous: model and model_id do not name the same known model; give one of them."


def _at_offset(when: datetime, hours: int, minutes: int = 0) -> str:
    """`when` written with a UTC offset Python accepts (up to ±23:59) whether or not PostgreSQL does."""
    sign = -1 if hours < 0 else 1
    return when.astimezone(timezone(sign * timedelta(hours=abs(hours), minutes=minutes))).isoformat()


def _nested(depth: int) -> list:
    return json.loads("[" * depth + "]" * depth)


def _bad_rows(now: datetime, models) -> list[tuple[dict, str, str]]:
    """(row, field, message) for each kind of bad row."""
    return [
        (probe(now, time=_at_offset(now, 17, 34)), "time", UTC_OFFSET_MESSAGE),
        (probe(now, time=_at_offset(now, -16)), "time", UTC_OFFSET_MESSAGE),
        (probe(now, model="ada\u0000"), "model", "Unknown model 'ada\\x00'."),
        (probe(now, model=None, model_id="\u0000"), "model_id", "Unknown model '\\x00'."),
        (
            probe(now, metadata={"deep": _nested(JSON_MAX_DEPTH)}),
            "metadata",
            f"At most {JSON_MAX_DEPTH} levels of nesting.",
        ),
        (probe(now, error_types={"time\u0000out": 1}), "error_types", "Must not contain the character U+0000."),
        (probe(now, model_id=str(models[1].id)), "model_id", AMBIGUOUS),
        (probe(now, model_id="00000000-0000-0000-0000-000000000000"), "model_id", AMBIGUOUS),
        (probe(now, model_id="no-such-model"), "model_id", AMBIGUOUS),
        (probe(now, model="no-such-model", model_id=str(models[0].id)), "model_id", AMBIGUOUS),
    ]


@pytest.mark.parametrize("case", range(10))
def test_a_bad_row_fails_the_batch_with_its_own_error_and_stores_nothing(post, models, now, case):
    row, field, message = _bad_rows(now, models)[case]
    response = post([probe(now - timedelta(minutes=1)), row])
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid_probes"
    assert error["details"]["errors"] == [{"index": 1, "field": field, "message": message}]
    assert stored_probes() == 0


def test_with_partial_every_bad_row_is_rejected_and_the_good_ones_stored(post, models, now):
    bad = _bad_rows(now, models)
    good = [probe(now - timedelta(minutes=1)), probe(now - timedelta(minutes=2), model="claude-3")]
    response = post([*good, *(row for row, _field, _message in bad)], query="?partial=true")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["received"], body["stored"], body["rejected"]) == (len(bad) + 2, 2, len(bad))
    assert [(error["index"], error["field"], error["message"]) for error in body["errors"]] == [
        (index, field, message) for index, (_row, field, message) in enumerate(bad, start=2)
    ]
    assert stored_probes() == 2


def test_the_same_rows_as_ndjson_are_row_errors_too(post, models, now):
    lines = "\n".join(json.dumps(row) for row, _field, _message in _bad_rows(now, models))
    response = post(lines, content_type="application/x-ndjson", query="?partial=true")
    assert response.status_code == 200, response.content
    assert response.json()["rejected"] == len(_bad_rows(now, models))


def test_offsets_up_to_15_59_and_agreeing_model_and_model_id_are_stored(post, models, now):
    rows = [
        probe(now - timedelta(minutes=1), time=_at_offset(now - timedelta(minutes=1), 15, 59)),
        probe(now - timedelta(minutes=2), time=_at_offset(now - timedelta(minutes=2), -15, 59)),
        probe(now - timedelta(minutes=3), model_id=str(models[0].id)),
        probe(now - timedelta(minutes=4), model=None, model_id=str(models[1].id)),
        probe(now - timedelta(minutes=5), metadata={"deep": _nested(JSON_MAX_DEPTH - 2)}),
    ]
    response = post(rows)
    assert response.status_code == 201, response.content
    assert stored_probes() == 5


# -- time parameters of the read API (D10) --------------------------------------------------


@pytest.mark.parametrize("parameter", ["started_after", "started_before"])
@pytest.mark.parametrize("offset", ["%2B17:34", "-16:00", "%2B23:59"])
def test_an_incident_filter_offset_postgresql_refuses_is_a_400(client, parameter, offset):
    response = client.get(f"/api/v1/status/incidents/?{parameter}=2026-01-01T00:00:00{offset}")
    assert response.status_code == 400, response.content
    assert response.json()["error"]["details"]["fields"] == {parameter: [UTC_OFFSET_MESSAGE]}


def test_an_incident_filter_offset_of_15_59_is_answered(client):
    for offset in ("%2B15:59", "-15:59", "Z"):
        assert client.get(f"/api/v1/status/incidents/?started_after=2026-01-01T00:00:00{offset}").status_code == 200


@pytest.mark.parametrize("parameter", ["from", "to"])
def test_a_history_time_offset_postgresql_refuses_is_a_400_as_well(client, models, now, parameter):
    when = _at_offset(now - timedelta(hours=1), 17, 34).replace("+", "%2B")
    response = client.get(f"/api/v1/status/models/gpt-4/history?{parameter}={when}")
    assert response.status_code == 400, response.content
    assert response.json()["error"]["details"]["fields"] == {parameter: [UTC_OFFSET_MESSAGE]}
