"""POST /api/v1/events: validation (all or nothing), bots, privacy, rate limit, Redis down. What is
accepted goes through the buffer (tests/analytics/test_buffer.py): counts are read once it is drained."""

import json

import pytest
from django.test import Client

from aigo.redis import redis_client
from analytics.buffer import events_drain
from analytics.events import MAX_EVENTS
from analytics.trending import _today, day_key
from tests.catalog.factories import AIModelFactory
from tests.db import sql

pytestmark = pytest.mark.django_db

URL = "/api/v1/events"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
IP = "203.0.113.77"


@pytest.fixture
def model():
    return AIModelFactory(slug="gpt-4")


@pytest.fixture
def post(client):
    def post(body, *, content_type="application/json", agent=BROWSER, **headers):
        data = body if isinstance(body, str | bytes) else json.dumps(body)
        return client.post(URL, data=data, content_type=content_type, HTTP_USER_AGENT=agent, REMOTE_ADDR=IP, **headers)

    return post


def _rows() -> int:
    return sql("SELECT count(*) FROM analytics_events")[0][0]


def _stored() -> int:
    """The rows stored once the buffer is drained."""
    events_drain()
    return _rows()


def page_view(**fields) -> dict:
    return {"type": "page_view", "session_id": "s-1", "properties": {"path": "/models"}, **fields}


def test_a_batch_is_stored_in_one_go_with_the_model_resolved(post, model, django_capture_on_commit_callbacks):
    events = [
        page_view(referrer="https://news.example.org/some/path?who=me", locale="en-US"),
        {"type": "model_view", "session_id": "s-1", "properties": {"model": "gpt-4", "path": "/models/gpt-4"}},
        {"type": "model_view", "properties": {"model": str(model.id)}},
        {"type": "benchmark_compare", "properties": {"models": ["gpt-4", "claude-3"], "benchmark": "mmlu"}},
        {"type": "search", "properties": {"query": "vision", "results": 4}},
        {"type": "news_view", "properties": {"article": "launch"}},
    ]
    response = post({"events": events}, HTTP_X_AIGO_REGION="eu-west", HTTP_X_AIGO_COUNTRY="de")
    assert response.status_code == 202
    assert response.json() == {"received": 6, "stored": 6}
    with django_capture_on_commit_callbacks(execute=True):
        assert _stored() == 6
    rows = sql(
        "SELECT event_type, event_properties, geo_properties, referrer_properties, user_properties, device_properties"
        " FROM analytics_events ORDER BY event_type"
    )
    by_type = {row[0]: row[1:] for row in rows}
    views = sql("SELECT event_properties FROM analytics_events WHERE event_type = 'model_view' ORDER BY 1")
    resolved = {"model_id": str(model.id), "model_slug": "gpt-4"}
    assert [json.loads(properties) for (properties,) in views] == [resolved, {**resolved, "path": "/models/gpt-4"}]
    _props, geo, referrer, user, device = by_type["page_view"]
    assert json.loads(geo) == {"region": "eu-west", "country": "DE"}
    assert json.loads(referrer) == {"host": "news.example.org"}
    assert json.loads(user) == {"locale": "en-US"}
    assert json.loads(device) == {"type": "desktop"}
    assert redis_client().zscore(day_key(_today()), str(model.id)) == 2


def test_sendbeacon_text_plain_and_a_single_event_are_accepted(post):
    response = post(json.dumps(page_view()), content_type="text/plain;charset=UTF-8")
    assert response.status_code == 202
    assert _stored() == 1


def test_no_ip_address_is_stored_and_geo_is_unknown_without_edge_headers(post, settings):
    settings.AIGO_TRUSTED_PROXIES = 1
    response = post(page_view(), HTTP_X_FORWARDED_FOR="198.51.100.23")
    assert response.status_code == 202
    assert _stored() == 1
    (row,) = sql("SELECT analytics_events::text FROM analytics_events")
    assert IP not in row[0] and "198.51.100.23" not in row[0]
    assert sql("SELECT geo_properties FROM analytics_events") == [('{"region": "unknown", "country": "unknown"}',)]
    assert sql("SELECT count(*) FROM audit_logs WHERE action LIKE '%%/api/v1/events%%'") == [(0,)]


def test_no_cookie_is_set(post):
    assert not post(page_view()).cookies


@pytest.mark.parametrize(
    "body, code",
    [
        ("{not json", "malformed_json"),
        ('"a string"', "invalid_body"),
        ({"events": [page_view()], "extra": 1}, "invalid_body"),
        ([], "empty_batch"),
        ([page_view()] * (MAX_EVENTS + 1), "too_many_events"),
        ([page_view(), {"type": "purchase"}], "invalid_events"),
        ([page_view(), page_view(colour="red")], "invalid_events"),
        ([page_view(), page_view(properties={"path": "/", "secret": "x"})], "invalid_events"),
        ([page_view(properties={})], "invalid_events"),
        ([page_view(properties="path")], "invalid_events"),
        ([page_view(properties={"path": ["/"]})], "invalid_events"),
        ([page_view(properties={"path": "/" * 501})], "invalid_events"),
        ([page_view(session_id="x" * 101)], "invalid_events"),
        ([page_view(session_id="has spaces")], "invalid_events"),
        ([page_view(type=5)], "invalid_events"),
        ([page_view(), {"type": "model_view", "properties": {"model": "no-such-model"}}], "invalid_events"),
        ([{"type": "benchmark_compare", "properties": {"models": ["one"]}}], "invalid_events"),
        ([{"type": "search", "properties": {"query": "q", "results": "many"}}], "invalid_events"),
        ([page_view(locale="xx-XX")], "invalid_events"),
        ([page_view(referrer="javascript:alert(1)")], "invalid_events"),
    ],
)
def test_bad_payloads_get_400_and_nothing_is_stored(post, model, body, code):
    response = post(body)
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == code
    assert _stored() == 0
    assert not redis_client().exists(day_key(_today()))


def test_the_errors_name_each_bad_event(post):
    response = post([page_view(), page_view(colour="red"), {"type": "purchase"}])
    errors = response.json()["error"]["details"]["errors"]
    assert [error["index"] for error in errors] == [1, 2]
    assert errors[0]["fields"] == {"colour": ["Unknown field."]}


def test_an_oversized_body_is_413(post):
    response = post([page_view(properties={"path": "/" + "x" * 400})] * 60)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    assert _stored() == 0


def test_other_content_types_are_415(post):
    assert post("path=/", content_type="application/x-www-form-urlencoded").status_code == 415


@pytest.mark.parametrize(
    "agent",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0 Safari/537.36",
        "curl/8.5.0",
        "python-requests/2.32",
        "",
    ],
)
def test_bots_get_204_and_nothing_is_stored(post, agent):
    response = post(page_view(), agent=agent)
    assert response.status_code == 204
    assert _stored() == 0


def test_no_key_no_csrf_needed_and_a_bad_key_is_ignored():
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        URL,
        data=json.dumps(page_view()),
        content_type="application/json",
        HTTP_USER_AGENT=BROWSER,
        HTTP_AUTHORIZATION="Bearer aigo_nope_nope",
    )
    assert response.status_code == 202


def test_the_rate_limit_is_per_ip_with_its_own_setting(post, settings):
    settings.AIGO_EVENTS_RATE = "2/min"
    assert post(page_view()).status_code == 202
    assert post(page_view()).status_code == 202
    refused = post(page_view())
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited"
    assert _stored() == 2
    # The API's anonymous allowance is untouched.
    assert int(refused["X-RateLimit-Limit"]) == 2


def test_events_are_stored_when_redis_is_down(post, model, redis_down, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post({"type": "model_view", "properties": {"model": "gpt-4"}})
    assert response.status_code == 202
    assert _rows() == 1  # at once: no drain can reach the buffer


def test_a_renamed_model_is_not_resolved_by_its_old_slug(post, model, django_capture_on_commit_callbacks):
    view = {"type": "model_view", "properties": {"model": "gpt-4"}}
    assert post(view).status_code == 202  # resolved, and remembered
    with django_capture_on_commit_callbacks(execute=True):
        model.slug = "gpt-4-renamed"
        model.save()
    response = post(view)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_events"
