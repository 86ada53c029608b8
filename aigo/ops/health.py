"""Liveness and readiness probes for load balancers and orchestrators."""

import time
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from aigo.redis import redis_client, rkey
from aigo.tasks import HEARTBEAT_KEY

# What apps add to /readyz from their AppConfig.ready() (the core names no app): reported, never
# making the process unready. A report returns a dict, or raises.
ReadyReport = Callable[[], dict]
_reports: dict[str, ReadyReport] = {}


def ready_report_register(name: str, report: ReadyReport) -> None:
    _reports[name] = report


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def _timed(check) -> dict:
    started = time.perf_counter()
    try:
        detail = check()
    except Exception as exc:  # any failure means "not ready"; the reason goes in the body
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    return {"ok": True, "latency_ms": round((time.perf_counter() - started) * 1000, 2), **(detail or {})}


def _check_postgres() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {}


def _check_redis() -> dict:
    client = redis_client()
    client.ping()
    last = client.get(rkey(HEARTBEAT_KEY))
    if last is None:
        return {"heartbeat": {"last_run": None, "late": True}}
    last_run = datetime.fromisoformat(last.decode())
    age = (timezone.now() - last_run).total_seconds()
    return {
        "heartbeat": {
            "last_run": last_run.isoformat(),
            "age_seconds": round(age, 1),
            "late": age > settings.AIGO_HEARTBEAT_MAX_AGE,
        }
    }


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """503 when PostgreSQL or Redis is unreachable. A late heartbeat (no Celery beat or
    worker) and the apps' reports are shown but do not make the web process unready."""
    checks = {"postgres": _timed(_check_postgres), "redis": _timed(_check_redis)}
    ready = all(check["ok"] for check in checks.values())
    checks.update({name: _timed(report) for name, report in _reports.items()})
    return JsonResponse(
        {"status": "ready" if ready else "unavailable", "checks": checks},
        status=200 if ready else 503,
    )
