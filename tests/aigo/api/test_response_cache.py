"""The two-level response cache: in-process copies dropped by pub/sub, generations in Redis."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aigo.api.cache import CachedResponse, ResponseCache


def _wait_for(condition, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_another_process_drops_its_local_copies_when_a_write_is_published():
    here, elsewhere = ResponseCache(), ResponseCache()  # two web processes
    generations = elsewhere.current_generations(("models",))
    _wait_for(lambda: elsewhere._listening)
    key = elsewhere.key(("models",), elsewhere.current_generations(("models",)), "/api/v1/models/")
    elsewhere.set(key, CachedResponse(b"{}", "application/json", '"a"'))
    assert elsewhere.get(key) is not None and elsewhere._local

    here.invalidate("models", "gpt-4o")

    _wait_for(lambda: not elsewhere._local)
    _wait_for(lambda: elsewhere.current_generations(("models",))["models"] == generations["models"] + 1)
    new_key = elsewhere.key(("models",), elsewhere.current_generations(("models",)), "/api/v1/models/")
    assert new_key != key and elsewhere.get(new_key) is None


def test_a_write_drops_the_local_copies_of_its_kind_only():
    """Status ingests invalidate every few seconds: the catalog's copies must stay in memory."""
    here, elsewhere = ResponseCache(), ResponseCache()
    elsewhere.current_generations(("models",))  # starts its listener
    _wait_for(lambda: elsewhere._listening)
    keys = {}
    for kinds in (("models",), ("models", "status"), ("status",)):
        keys[kinds] = elsewhere.key(kinds, elsewhere.current_generations(kinds), "/en-US/status/")
        elsewhere.set(keys[kinds], CachedResponse(b"<p>", "text/html", '"a"'))

    here.invalidate("status")

    _wait_for(lambda: list(elsewhere._local) == [keys[("models",)]])
    assert elsewhere.get(keys[("models",)]) is not None


def test_invalidating_one_kind_leaves_the_other_generation_alone():
    cache = ResponseCache()
    before = cache.current_generations(("models", "benchmarks"))
    cache.invalidate("benchmarks")
    after = cache.current_generations(("models", "benchmarks"))
    assert after == {"models": before["models"], "benchmarks": before["benchmarks"] + 1}


def test_cached_bytes_round_trip_through_redis():
    writer, reader = ResponseCache(), ResponseCache()
    key = writer.key(("models",), {"models": 0}, "x")
    writer.set(key, CachedResponse(b'{"a":\n1}', "application/json; charset=utf-8", '"etag"'))
    assert reader.get(key) == CachedResponse(b'{"a":\n1}', "application/json; charset=utf-8", '"etag"')


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/providers/", "/en-US/"])
def test_a_deploy_serves_its_own_pages_and_responses_at_once(client, settings, path):
    """Cached entries are keyed by the release (AIGO_RELEASE, else the git commit or the version):
    a deploy's new templates and translations do not wait for the old entries to expire."""
    settings.AIGO_RESPONSE_CACHE = True
    settings.AIGO_RELEASE = "before-the-deploy"
    client.get(path)
    assert _queries(client, path) == 0  # from the cache
    settings.AIGO_RELEASE = "after-the-deploy"
    assert _queries(client, path) > 0  # not the old release's copy
    assert _queries(client, path) == 0
