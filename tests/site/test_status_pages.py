"""Status pages: the model x region grid, a model's history and the incident timeline."""

import datetime
import json
import re

import pytest
from django.db import connection
from django.utils import timezone

from status.incidents import incident_open, incident_transition
from tests.catalog.factories import AIModelFactory

pytestmark = pytest.mark.django_db


def _bucket(model, region, minutes_ago, availability, p50=300, p95=800, p99=1500):
    at = timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(minutes=minutes_ago)
    at -= datetime.timedelta(minutes=at.minute % 5)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO status_5min (bucket, model_id, region, avg_availability, avg_latency_p50,"
            " avg_latency_p95, avg_latency_p99, avg_error_rate, total_requests, probe_count)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, 0, 60, 5) ON CONFLICT DO NOTHING",
            [at, model.id, region, availability, p50, p95, p99],
        )


@pytest.fixture
def probed():
    healthy = AIModelFactory(slug="healthy", name={"en-US": "Healthy", "ja-JP": "ヘルシー"})
    broken = AIModelFactory(slug="broken")
    for region in ("us-east", "eu-west"):
        _bucket(healthy, region, 5, 99.99)
    _bucket(broken, "us-east", 5, 42.0)
    _bucket(broken, "eu-west", 5, 99.5)
    return healthy, broken


def test_the_grid_puts_problems_first_and_says_each_state_in_words(client, probed, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        html = client.get("/en-US/status/").content.decode()
    assert re.findall(r'<a href="/en-US/status/([a-z-]+)/">', html) == ["broken", "healthy"]
    cell = re.search(r'data-model="broken" data-region="us-east">(.*?)</td>', html, re.S).group(1)
    assert "status down" in cell and "Down" in cell and "42.00%" in cell
    assert 'data-model="broken" data-region="asia-se"><span class="status nodata">No data' in html
    assert 'data-stream-models="broken,healthy"' in html
    assert html.count('<svg class="chart sparkline" role="img"') == 2
    labels = json.loads(re.search(r'<script id="live-labels" type="application/json">(.*?)</script>', html).group(1))
    assert labels["down"] == "Down"
    assert "ヘルシー" in client.get("/ja-JP/status/").content.decode()


def test_a_models_status_page_charts_latency_percentiles(client, probed):
    healthy, _broken = probed
    for minutes in (10, 15, 20):
        _bucket(healthy, "us-east", minutes, 99.9, p50=200 + minutes)
    html = client.get("/en-US/status/healthy/").content.decode()
    assert html.count('<path class="line s1"') >= 1 and ">p99<" in html
    assert 'data-stream-models="healthy"' in html
    empty = client.get("/en-US/status/broken/?range=30d&region=asia-se").content.decode()
    assert "No measurements in this period." in empty
    assert client.get("/en-US/status/no-such-model/").status_code == 404


def test_incident_pages_show_the_timeline_in_order(client, probed):
    _healthy, broken = probed
    incident = incident_open(model=broken, severity="major", title="Errors in us-east", message="Looking into it.")
    incident_transition(incident=incident, status="identified", message="A bad deploy.")
    incident_transition(incident=incident, status="resolved", message="Rolled back.")
    html = client.get(f"/en-US/incidents/{incident.id}/").content.decode()
    timeline = re.findall(r"<li><strong>(\w+)</strong>", html)
    assert timeline == ["Investigating", "Identified", "Resolved"]
    assert "Errors in us-east" in client.get("/en-US/incidents/?show=resolved").content.decode()
    assert "Errors in us-east" not in client.get("/en-US/incidents/?show=active").content.decode()
    assert client.get("/en-US/incidents/00000000-0000-0000-0000-000000000000/").status_code == 404
