"""GET /api/v1/analytics/daily: read:analytics keys only, values from daily_stats."""

import datetime
import json

import pytest

from aigo.db.partitions import partitions_ensure
from analytics.stats import daily_stats_refresh
from tests.accounts.factories import issue_key
from tests.catalog.factories import AIModelFactory
from tests.db import sql

pytestmark = pytest.mark.django_db
URL = "/api/v1/analytics/daily"
UTC = datetime.UTC


@pytest.fixture
def key() -> str:
    return issue_key(name="dashboard", scopes=("read:analytics",))[1]


def _get(client, key=None, query=""):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    return client.get(f"{URL}?{query}", **headers)


@pytest.fixture
def stats():
    partitions_ensure()
    gpt, claude = AIModelFactory(slug="gpt-4"), AIModelFactory(slug="claude-3")
    yesterday = datetime.datetime.now(UTC) - datetime.timedelta(days=1)
    rows = [("model_view", gpt, "a")] * 3 + [
        ("model_view", claude, "b"),
        ("page_view", None, "a"),
        ("page_view", None, "b"),
    ]
    for event_type, model, session in rows:
        properties = {"model_id": str(model.id)} if model else {"path": "/"}
        sql(
            "INSERT INTO analytics_events (timestamp, session_id, event_type, event_properties)"
            " VALUES (%s, %s, %s, %s::jsonb)",
            [yesterday, session, event_type, json.dumps(properties)],
        )
    daily_stats_refresh()
    return yesterday.date()


def test_anonymous_and_keys_without_the_scope_are_refused(client):
    assert _get(client).status_code == 401
    other = issue_key(name="catalog", scopes=("read:catalog",))[1]
    response = _get(client, other)
    assert response.status_code == 403
    assert response.json()["error"]["details"] == {"missing_scope": "read:analytics"}


def test_daily_stats_by_type_with_sessions_and_top_models(client, key, stats, django_assert_max_num_queries):
    day = stats.isoformat()
    # The key (lookup, last_used_at, audit context), then daily rows, top models, their names.
    with django_assert_max_num_queries(6):
        response = _get(client, key, f"from={day}&to={day}&top=1")
    assert response.status_code == 200, response.content
    assert response.json() == {
        "from": day,
        "to": day,
        "days": [
            {
                "day": day,
                "events": {"model_view": 4, "page_view": 2},
                "unique_sessions": {"model_view": 2, "page_view": 2},
            }
        ],
        "top_models": [{"slug": "gpt-4", "name": "Gpt-4", "views": 3}],
    }


def test_the_default_range_is_the_last_30_days(client, key, stats):
    body = _get(client, key).json()
    assert body["to"] == datetime.datetime.now(UTC).date().isoformat()
    assert [day["day"] for day in body["days"]] == [stats.isoformat()]
    assert [model["slug"] for model in body["top_models"]] == ["gpt-4", "claude-3"]


@pytest.mark.parametrize(
    "query",
    ["from=2026-02-30", "from=2026-03-02&to=2026-03-01", "from=2024-01-01&to=2026-01-01", "top=0", "top=x"],
)
def test_bad_ranges_get_400(client, key, query):
    response = _get(client, key, query)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
