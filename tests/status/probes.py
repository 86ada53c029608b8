"""Probe batches as probers send them, for the ingestion tests."""

from datetime import UTC, datetime, timedelta

from tests.db import sql as _sql

URL = "/api/v1/status/probes"


def iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


def probe(when: datetime, **fields) -> dict:
    return {
        "time": iso(when),
        "model": "gpt-4",
        "region": "us-east",
        "probe_location": "us-east-1",
        "availability": 99.92,
        "latency_p50": 420,
        "latency_p95": 980,
        "latency_p99": 1500,
        "error_rate": 0.08,
        "error_types": {"timeout": 2},
        "requests_per_minute": 3400,
        "tokens_per_minute": 1_200_000,
        "status_code_distribution": {"200": 3398, "504": 2},
        "metadata": {"lat": 38.9072, "lon": -77.0369},
        **fields,
    }


def batch(now: datetime) -> list[dict]:
    return [
        probe(now - timedelta(minutes=7)),
        probe(now - timedelta(minutes=1), availability=99.5),
        probe(now - timedelta(minutes=1), model="claude-3", region="eu-west", probe_location=None, metadata=None),
    ]


def stored_probes() -> int:
    return _sql("SELECT count(*) FROM status_probes")[0][0]
