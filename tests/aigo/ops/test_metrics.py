"""/metrics: Prometheus text for the bearer of AIGO_METRICS_TOKEN, nothing for anyone else."""

import os
import subprocess
import sys

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone
from prometheus_client import REGISTRY, CollectorRegistry, multiprocess

from aigo.api.cache import serve_cached
from aigo.tasks import heartbeat
from status.ingest import probes_ingest
from tests.catalog.factories import AIModelFactory
from tests.status.probes import batch  # a valid batch of three probes

pytestmark = pytest.mark.django_db

TOKEN = "s3cret-metrics-token"


@pytest.fixture
def token(settings):
    settings.AIGO_METRICS_TOKEN = TOKEN
    return TOKEN


def _metrics(client) -> str:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


def _value(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_without_a_configured_token_metrics_do_not_exist(client, settings):
    settings.AIGO_METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


def test_a_missing_or_wrong_token_gets_404(client, token):
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION=TOKEN).status_code == 404  # the scheme is part of it


def test_the_right_token_gets_every_metric(client, token):
    text = _metrics(client)
    for name in [
        "aigo_http_request_duration_seconds",
        "aigo_http_request_db_queries",
        "aigo_celery_tasks_total",
        "aigo_probes_stored_total",
        "aigo_response_cache_hits_total",
        "aigo_response_cache_misses_total",
    ]:
        assert f"# TYPE {name.removesuffix('_total')}" in text


def test_requests_are_timed_and_their_queries_counted_by_view_name(client, token):
    before = _value("aigo_http_request_duration_seconds_count", view="readyz", method="GET")
    queries_before = _value("aigo_http_request_db_queries_sum", view="readyz")
    client.get("/readyz")
    assert _value("aigo_http_request_duration_seconds_count", view="readyz", method="GET") == before + 1
    assert _value("aigo_http_request_db_queries_sum", view="readyz") >= queries_before + 1
    assert 'view="readyz"' in _metrics(client)


def test_celery_task_outcomes_are_counted_by_task_and_state():
    before = _value("aigo_celery_tasks_total", task="aigo.tasks.heartbeat", state="SUCCESS")
    heartbeat.apply()
    assert _value("aigo_celery_tasks_total", task="aigo.tasks.heartbeat", state="SUCCESS") == before + 1


def test_response_cache_hits_and_misses_are_counted():
    request = RequestFactory().get("/api/v1/models")
    hits, misses = _value("aigo_response_cache_hits_total"), _value("aigo_response_cache_misses_total")

    def produce():
        return HttpResponse(b"[]", content_type="application/json")

    serve_cached(request, ["models"], "metrics-test", produce)
    serve_cached(request, ["models"], "metrics-test", produce)
    assert _value("aigo_response_cache_misses_total") == misses + 1
    assert _value("aigo_response_cache_hits_total") == hits + 1


def test_stored_probe_rows_are_counted():
    AIModelFactory(slug="gpt-4")
    AIModelFactory(slug="claude-3")
    before = _value("aigo_probes_stored_total")
    report = probes_ingest(rows=batch(timezone.now().replace(microsecond=0)))
    assert report.stored == 3
    assert _value("aigo_probes_stored_total") == before + 3


def test_with_a_multiprocess_directory_every_process_counts_into_one_sum(tmp_path):
    # What gunicorn workers and Celery workers sharing PROMETHEUS_MULTIPROC_DIR do.
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "aigo.settings.test"}
    for _ in range(2):
        subprocess.run(
            [sys.executable, "-c", "from aigo.ops.metrics import PROBES_STORED; PROBES_STORED.inc(2)"],
            env=env,
            check=True,
        )
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=str(tmp_path))
    assert registry.get_sample_value("aigo_probes_stored_total") == 4
