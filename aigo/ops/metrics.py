"""Prometheus metrics at /metrics (prometheus-client), for the bearer of AIGO_METRICS_TOKEN only.

Counters live in each process: web workers and Celery workers count apart. With
PROMETHEUS_MULTIPROC_DIR set (the same empty directory for every gunicorn and Celery process of a
host, emptied before they start) prometheus-client writes them to files there and /metrics sums
every process's; without it /metrics shows the one web process that answered.
"""

import hmac
import os
import time
from contextlib import ExitStack

from celery.signals import task_postrun
from django.conf import settings
from django.db import connections
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client import REGISTRY as PROCESS_REGISTRY

REQUEST_LATENCY = Histogram(
    "aigo_http_request_duration_seconds", "Time to answer a request, by view.", ["view", "method"]
)
REQUEST_QUERIES = Histogram(
    "aigo_http_request_db_queries",
    "Database queries run while answering a request, by view.",
    ["view"],
    buckets=(0, 1, 2, 3, 5, 10, 20, 50, 100, 200),
)
CELERY_TASKS = Counter("aigo_celery_tasks", "Celery task runs by task and final state.", ["task", "state"])
PROBES_STORED = Counter("aigo_probes_stored", "Status probe rows stored by ingestion (duplicates not counted).")
RESPONSE_CACHE_HITS = Counter("aigo_response_cache_hits", "API responses served from the response cache.")
RESPONSE_CACHE_MISSES = Counter("aigo_response_cache_misses", "API responses computed because none was cached.")


class _QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class MetricsMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        queries = _QueryCounter()
        started = time.perf_counter()
        with ExitStack() as stack:
            for alias in connections:  # the primary and every replica
                stack.enter_context(connections[alias].execute_wrapper(queries))
            response = self.get_response(request)
        # The view name, never the path: label values stay few whatever URLs clients try.
        view = request.resolver_match.view_name if request.resolver_match else "unresolved"
        REQUEST_LATENCY.labels(view, request.method).observe(time.perf_counter() - started)
        REQUEST_QUERIES.labels(view).observe(queries.count)
        return response


@task_postrun.connect
def _count_task(task=None, state=None, **kwargs) -> None:
    CELERY_TASKS.labels(task.name, state or "UNKNOWN").inc()


def _registry() -> CollectorRegistry:
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return PROCESS_REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry


@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    token = settings.AIGO_METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    # Constant-time comparison; a missing or wrong token looks like no page at all.
    if not token or not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        raise Http404
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)
