"""API key verification cost per request, against the same request without a key.

Measured in-process on real PostgreSQL, in the same run:
- a DRF view (ApiKeyAuthentication + RequireScope) called without a key: the floor;
- the same with a malformed key (refused before any query) and with a valid Bearer key
  (one indexed lookup by public id, SHA-256, constant-time compare, scope check);
- api_key_verify() alone, and the SQL path: SELECT * FROM verify_api_key(key), next to a
  `SELECT 1` round trip (the cheapest query this connection can make).

Requests go through RequestFactory straight into the view: Django's test Client would also
fire request_started, whose connection health check adds a `SELECT 1` to the first query of
every request and would be charged to the key. Each figure is the median of several rounds,
the variants interleaved within a round. The keys are throwaway rows deleted at the end.

    .venv/bin/python bench/auth.py [--requests 2000] [--rounds 5]
"""

import argparse
import logging
import os
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aigo.settings.dev")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from rest_framework.response import Response  # noqa: E402
from rest_framework.views import APIView  # noqa: E402

from accounts.authentication import ApiKeyAuthentication  # noqa: E402
from accounts.keys import api_key_issue, api_key_verify  # noqa: E402
from accounts.models import ApiKey  # noqa: E402
from accounts.permissions import RequireScope  # noqa: E402

GOAL_US = 1000


class Probe(APIView):
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [RequireScope("write:status", public_reads=False)]
    throttle_classes = []  # rate limits are measured elsewhere; this is the key check alone

    def get(self, request):
        return Response({"ok": True})


class PublicRead(Probe):
    permission_classes = [RequireScope("write:status")]  # GET is public


def per_call_us(call: Callable[[], object], n: int) -> float:
    started = time.perf_counter()
    for _ in range(n):
        call()
    return (time.perf_counter() - started) / n * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="calls per variant per round")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    settings.DEBUG = False  # no query log: it would be charged to the keyed requests only
    logging.getLogger("accounts.keys").setLevel(logging.ERROR)  # 10^4 rejections would flood the console

    factory = RequestFactory()
    probe, public = Probe.as_view(), PublicRead.as_view()
    tag = f"bench:auth {uuid.uuid4().hex[:8]}"
    key, full_key = api_key_issue(name=tag, scopes=["write:status"])
    malformed = "aigo_not-a-key"
    try:

        def request(view, **headers) -> Callable[[], object]:
            def call():
                response = view(factory.get("/bench/auth", **headers))
                response.render()
                return response

            return call

        def sql(statement: str, params=None) -> Callable[[], object]:
            def call():
                with connection.cursor() as cursor:
                    cursor.execute(statement, params)
                    return cursor.fetchall()

            return call

        variants: dict[str, Callable[[], object]] = {
            "DRF request, no key (floor)": request(public),
            "DRF request, malformed key -> 401": request(public, HTTP_AUTHORIZATION=f"Bearer {malformed}"),
            "DRF request, Bearer key + scope": request(probe, HTTP_AUTHORIZATION=f"Bearer {full_key}"),
            "DRF request, X-API-Key + scope": request(probe, HTTP_X_API_KEY=full_key),
            "api_key_verify() (Python)": lambda: api_key_verify(full_key),
            "SELECT * FROM verify_api_key() (SQL)": sql("SELECT * FROM verify_api_key(%s)", [full_key]),
            "SELECT 1 (SQL round-trip floor)": sql("SELECT 1"),
        }
        assert variants["DRF request, Bearer key + scope"]().status_code == 200
        assert variants["DRF request, malformed key -> 401"]().status_code == 401
        assert variants["DRF request, no key (floor)"]().status_code == 200
        assert len(variants["SELECT * FROM verify_api_key() (SQL)"]()) == 1
        for call in variants.values():  # warm imports, caches, the connection and last_used_at
            per_call_us(call, 50)

        samples: dict[str, list[float]] = {name: [] for name in variants}
        for _ in range(args.rounds):
            for name, call in variants.items():
                samples[name].append(per_call_us(call, args.requests))
        us = {name: statistics.median(values) for name, values in samples.items()}
    finally:
        ApiKey.objects.filter(name=tag).delete()

    floor, sql_floor = us["DRF request, no key (floor)"], us["SELECT 1 (SQL round-trip floor)"]
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    db = connection.settings_dict
    print(
        f"API key verification: {args.requests} calls x {args.rounds} rounds, median of rounds; "
        f"PostgreSQL {version} at {db['HOST']}:{db['PORT']}/{db['NAME']}"
    )
    print(f"{'':40} {'us/call':>9} {'added':>9}")
    for name, value in us.items():
        if name.startswith("DRF"):
            added = "-" if name.endswith("(floor)") else f"{value - floor:+9.1f}"
        elif name.startswith("SELECT *"):
            added = f"{value - sql_floor:+9.1f}"  # over the bare round trip
        else:
            added = ""
        print(f"{name:40} {value:9.1f} {added:>9}")
    worst = max(us["DRF request, Bearer key + scope"], us["DRF request, X-API-Key + scope"]) - floor
    verdict = "met" if worst < GOAL_US else "NOT met"
    print(f"Added cost per keyed request: {worst:.1f} us (goal < {GOAL_US} us: {verdict}).")
    print(
        f"verify_api_key() in SQL: {us['SELECT * FROM verify_api_key() (SQL)']:.1f} us per call, "
        f"{us['SELECT * FROM verify_api_key() (SQL)'] - sql_floor:.1f} us over a SELECT 1."
    )


if __name__ == "__main__":
    main()
