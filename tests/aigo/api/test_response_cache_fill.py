"""A crowd missing the same cached response: one render per process, the others take its copy
(or, where the view allows it, the copy it served last, at once)."""

import threading
import time

from django.http import HttpResponse
from django.test import RequestFactory

from aigo.api.cache import response_cache, serve_cached


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


def _serve(produce) -> bytes:
    request = RequestFactory().get("/en-US/status/")
    return serve_cached(request, ("status",), "page", produce, ttl=5, stale=30).content


def _never() -> HttpResponse:
    raise AssertionError("rendered, where a cached copy was due")


def test_while_one_thread_renders_anew_the_others_answer_the_previous_copy_at_once(settings):
    settings.AIGO_RESPONSE_CACHE = True
    assert _serve(lambda: HttpResponse(b"before")) == b"before"
    response_cache.invalidate("status")
    rendering, finish, served = threading.Event(), threading.Event(), []

    def slow() -> HttpResponse:
        rendering.set()
        finish.wait(5)
        return HttpResponse(b"after")

    renderer = threading.Thread(target=lambda: served.append(_serve(slow)))
    renderer.start()
    assert rendering.wait(5)
    assert _serve(_never) == b"before"  # no wait for the render
    finish.set()
    renderer.join(timeout=5)
    assert served == [b"after"] and _serve(_never) == b"after"


def test_a_copy_older_than_stale_is_not_answered(settings):
    settings.AIGO_RESPONSE_CACHE = True
    _serve(lambda: HttpResponse(b"before"))
    response_cache.invalidate("status")
    assert response_cache.previous("page", 30) is not None and response_cache.previous("page", 0) is None
