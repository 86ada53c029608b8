"""Status read API: current, history with gaps, uptime, rankings."""

import datetime

import pytest

from accounts.keys import api_key_issue
from aigo.redis import redis_client, rkey
from tests.catalog.factories import AIModelFactory
from tests.db import stop_redis

from .rollups import probe_store, rollups_current

pytestmark = [pytest.mark.django_db, pytest.mark.pgbouncer]
API = "/api/v1/status"
UTC = datetime.UTC


def _hour(back: int) -> datetime.datetime:
    now = datetime.datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    return now - datetime.timedelta(hours=back)


def _measured(model, region, at, availability, p95=500):
    """One probe at `at`: its 5-minute and hourly buckets hold its values."""
    probe_store(model.id, region, at, availability, p95=p95, rpm=600)
    rollups_current()


@pytest.fixture
def model():
    return AIModelFactory(slug="gpt-4o")


def test_current_status_prefers_the_live_hash_and_falls_back_to_the_newest_bucket(client, model):
    redis_client().hset(
        rkey("status", "gpt-4o", "us-east"),
        mapping={
            "availability": "99.9",
            "latency_p95": "812",
            "error_rate": "0.1",
            "rpm": "3400",
            "last_updated": "2026-11-27T10:00:00+00:00",
        },
    )
    _measured(model, "eu-west", _hour(1), 97.5)
    _measured(model, "eu-west", _hour(2), 10.0)
    body = client.get(f"{API}/models/gpt-4o/").json()
    regions = {row["region"]: row for row in body["regions"]}
    assert regions["us-east"]["source"] == "live" and regions["us-east"]["availability"] == 99.9
    assert regions["eu-west"]["source"] == "rollup" and regions["eu-west"]["availability"] == 97.5
    assert "asia-east" not in regions


def test_history_is_read_from_the_rollups_with_gaps_as_nulls(client, model):
    _measured(model, "us-east", _hour(3), 99.0)
    _measured(model, "us-east", _hour(1), 95.0)
    start, end = _hour(3).isoformat(), _hour(1).isoformat()
    body = client.get(
        f"{API}/models/gpt-4o/history", {"resolution": "1h", "from": start, "to": end, "region": "us-east"}
    ).json()
    assert [point["availability"] for point in body["points"]] == [99.0, None, 95.0]


def test_daily_history_averages_the_hours(client, model):
    day = _hour(0).replace(hour=0) - datetime.timedelta(days=1)
    _measured(model, "us-east", day + datetime.timedelta(hours=1), 100.0)
    _measured(model, "us-east", day + datetime.timedelta(hours=2), 90.0)
    body = client.get(
        f"{API}/models/gpt-4o/history",
        {"resolution": "1d", "from": day.isoformat(), "to": day.isoformat(), "region": "us-east"},
    )
    assert body.status_code == 400  # from must be before to
    body = client.get(
        f"{API}/models/gpt-4o/history",
        {
            "resolution": "1d",
            "from": day.isoformat(),
            "to": (day + datetime.timedelta(hours=23)).isoformat(),
            "region": "us-east",
        },
    ).json()
    assert [point["availability"] for point in body["points"]] == [95.0]


def test_uptime_windows(client, model):
    _measured(model, "us-east", _hour(2), 100.0)
    _measured(model, "us-east", _hour(24 * 10), 50.0)
    uptime = client.get(f"{API}/models/gpt-4o/uptime").json()["uptime"]
    assert uptime["24h"] == 100.0 and uptime["7d"] == 100.0 and uptime["30d"] == 75.0 and uptime["90d"] == 75.0


def test_rankings_come_from_redis_and_from_the_rollups_when_redis_is_down(client, model, settings):
    other = AIModelFactory(slug="claude")
    redis_client().zadd(rkey("models", "by", "latency"), {"gpt-4o": 800, "claude": 600})
    assert [row["model"] for row in client.get(f"{API}/rankings", {"by": "latency"}).json()["models"]] == [
        "claude",
        "gpt-4o",
    ]
    now = datetime.datetime.now(UTC)
    _measured(model, "us-east", now - datetime.timedelta(minutes=5), 99.0, p95=900)
    _measured(other, "us-east", now - datetime.timedelta(minutes=5), 98.0, p95=300)
    stop_redis(settings)
    ranked = client.get(f"{API}/rankings", {"by": "availability"}).json()["models"]
    assert [row["model"] for row in ranked] == ["gpt-4o", "claude"]


@pytest.mark.parametrize(
    "path, params",
    [
        ("models/gpt-4o/history", {"resolution": "2m"}),
        ("models/gpt-4o/history", {"resolution": "5m", "from": "2020-01-01T00:00:00Z"}),
        ("models/gpt-4o/history", {"region": "mars-1"}),
        ("models/gpt-4o/history", {"from": "yesterday"}),
        ("rankings", {"by": "vibes"}),
        ("rankings", {"limit": "0"}),
    ],
)
def test_bad_parameters_get_400(client, model, path, params):
    response = client.get(f"{API}/{path}", params)
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid"


def test_unknown_model_is_404(client):
    assert client.get(f"{API}/models/nope/").status_code == 404


def test_status_reads_are_public_to_anonymous_clients_and_to_any_valid_key(client, model):
    """A key without read:status is not refused: without the key the same read succeeds anyway."""
    assert client.get(f"{API}/models/gpt-4o/").status_code == 200
    _key, raw = api_key_issue(name="catalog only", scopes=["read:catalog"])
    response = client.get(f"{API}/models/gpt-4o/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200 and response["X-RateLimit-Limit"] == "1000"
    assert client.get(f"{API}/models/gpt-4o/", HTTP_AUTHORIZATION="Bearer aigo_bad").status_code == 401
