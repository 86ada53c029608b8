import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aigo.redis import redis_client
from status.incidents import incident_open, incident_transition
from status.live import locations_key
from tests.catalog.factories import AIModelFactory
from tests.db import stop_redis

pytestmark = pytest.mark.django_db
API = "/api/v1/status"


@pytest.fixture
def incidents():
    gpt = AIModelFactory(slug="gpt-4o")
    claude = AIModelFactory(slug="claude")
    old = incident_open(
        title="Old outage",
        severity="critical",
        message="Down.",
        model=gpt,
        started_at=datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC),
    )
    incident_transition(incident=old, status="resolved", message="Back.")
    current = incident_open(
        title="Slow responses", severity="minor", message="Looking.", model=claude, regions=["eu-west"]
    )
    return {"old": old, "current": current}


def _titles(client, **params) -> list[str]:
    response = client.get(f"{API}/incidents/", params)
    assert response.status_code == 200, response.content
    return [row["title"] for row in response.json()["results"]]


@pytest.mark.parametrize(
    "params, expected",
    [
        ({}, ["Slow responses", "Old outage"]),
        ({"active": "true"}, ["Slow responses"]),
        ({"active": "false"}, ["Old outage"]),
        ({"model": "gpt-4o"}, ["Old outage"]),
        ({"severity": "minor"}, ["Slow responses"]),
        ({"started_before": "2026-02-01T00:00:00Z"}, ["Old outage"]),
        ({"started_after": "2026-02-01T00:00:00Z"}, ["Slow responses"]),
    ],
)
def test_incident_list_filters(client, incidents, params, expected):
    assert _titles(client, **params) == expected


def test_incident_detail_shows_the_public_timeline(client, incidents):
    body = client.get(f"{API}/incidents/{incidents['old'].pk}/").json()
    assert [entry["status"] for entry in body["updates"]] == ["investigating", "resolved"]
    assert body["resolved_at"] and body["model"] == "gpt-4o" and body["automatic"] is False


def test_incident_list_query_count_is_fixed(client, incidents):
    for index in range(5):
        incident_open(title=f"More {index}", severity="minor", message="x", model=AIModelFactory())
    with CaptureQueriesContext(connection) as queries:
        client.get(f"{API}/incidents/", {"page_size": 50})
    assert len(queries) <= 3


def test_bad_incident_filters_get_400(client, incidents):
    assert client.get(f"{API}/incidents/", {"severity": "apocalyptic"}).status_code == 400
    assert client.get(f"{API}/incidents/", {"started_after": "last week"}).status_code == 400


def test_nearest_probe_locations_from_redis_geo(client):
    redis_client().geoadd(locations_key(), [8.68, 50.11, "fra-1", -77.49, 39.04, "iad-1", 139.69, 35.69, "tyo-1"])
    body = client.get(f"{API}/probes/nearest", {"lat": 48.85, "lon": 2.35, "limit": 2}).json()
    assert [row["location"] for row in body] == ["fra-1", "iad-1"]
    assert 400 < body[0]["distance_km"] < 500


def test_nearest_probe_locations_without_redis_use_the_probes(client, settings):
    model = AIModelFactory()
    now = datetime.datetime.now(datetime.UTC)
    with connection.cursor() as cursor:
        for location, lat, lon in [("fra-1", 50.11, 8.68), ("sin-1", 1.35, 103.82)]:
            cursor.execute(
                "INSERT INTO status_probes (time, model_id, region, probe_location, availability, metadata)"
                " VALUES (%s, %s, 'eu-west', %s, 100, jsonb_build_object('lat', %s::float, 'lon', %s::float))",
                [now, model.id, location, lat, lon],
            )
    stop_redis(settings)
    body = client.get(f"{API}/probes/nearest", {"lat": 48.85, "lon": 2.35}).json()
    assert [row["location"] for row in body] == ["fra-1", "sin-1"]


def test_nearest_needs_a_valid_point(client):
    assert client.get(f"{API}/probes/nearest", {"lat": 91, "lon": 0}).status_code == 400
