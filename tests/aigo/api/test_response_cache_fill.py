"""A crowd missing the same cached response: one render per process, the others take its copy."""

import threading
import time

from django.http import HttpResponse
from django.test import RequestFactory

from aigo.api.cache import serve_cached


def _crowd(produce, clients: int = 8) -> list[bytes]:
    request = RequestFactory().get("/en-US/status/")
    bodies: list[bytes] = []
    start = threading.Barrier(clients)

    def client() -> None:
        start.wait()
        bodies.append(serve_cached(request, ("status",), "crowd", produce, ttl=5).content)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    return bodies


def test_a_crowd_missing_one_entry_renders_it_once(settings):
    settings.AIGO_RESPONSE_CACHE = True
    renders = []

    def produce() -> HttpResponse:
        renders.append(1)
        time.sleep(0.2)  # a slow render: every client asks while it runs
        return HttpResponse(b"page")

    assert _crowd(produce) == [b"page"] * 8
    assert len(renders) == 1


def test_without_redis_every_request_renders(settings, redis_down):
    settings.AIGO_RESPONSE_CACHE = True
    renders = []

    def produce() -> HttpResponse:
        renders.append(1)
        return HttpResponse(b"page")

    assert _crowd(produce, clients=3) == [b"page"] * 3
    assert len(renders) == 3
