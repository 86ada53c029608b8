import logging
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.test import Client

from aigo.api import ratelimit
from aigo.api.ratelimit import rate_limit_hit
from aigo.redis import redis_client, rkey

pytestmark = [pytest.mark.urls("tests.aigo.api.urls_ratelimit"), pytest.mark.pgbouncer]

URL = "/limited/"


@pytest.fixture(autouse=True)
def limits(settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "aigo.api.ratelimit.RateLimitHeadersMiddleware"]
    settings.AIGO_ANON_RATE = "3/min"
    settings.AIGO_TRUSTED_PROXIES = 0


def rate_key(identity: str, window: int) -> str:
    return rkey("api", "rate", "{" + identity + "}", str(window))


def limit_headers(response) -> tuple[str | None, str | None, str | None]:
    return tuple(response.headers.get(f"X-RateLimit-{name}") for name in ("Limit", "Remaining", "Reset"))


# -- anonymous, per IP ---------------------------------------------------------------------


def test_anonymous_clients_get_the_anon_rate_per_ip_then_429(client):
    remaining = [client.get(URL).headers["X-RateLimit-Remaining"] for _ in range(3)]
    assert remaining == ["2", "1", "0"]

    refused = client.get(URL)
    assert refused.status_code == 429
    assert limit_headers(refused)[:2] == ("3", "0")
    retry_after = int(refused["Retry-After"])
    assert 1 <= retry_after <= 60 and refused["X-RateLimit-Reset"] == str(retry_after)
    error = refused.json()["error"]
    assert error["code"] == "rate_limited"
    assert "3 requests per 60 seconds" in error["message"]
    assert error["details"] == {"limit": 3, "window_seconds": 60, "retry_after": retry_after}

    assert client.get(URL, REMOTE_ADDR="192.0.2.44").status_code == 200, "another IP has its own limit"
    assert redis_client().zcard(rate_key("ip:127.0.0.1", 60)) == 3, "refused requests are not counted"


def test_error_and_not_modified_responses_carry_the_headers_and_count(client):
    bad = client.get(URL, {"fail": "400"})
    missing = client.get(URL, {"fail": "404"})
    assert (bad.status_code, bad.json()["error"]["code"]) == (400, "bad_thing")
    assert missing.status_code == 404
    assert limit_headers(bad)[:2] == ("3", "2") and limit_headers(missing)[:2] == ("3", "1")

    first = client.get("/cached/", REMOTE_ADDR="192.0.2.5")
    again = client.get("/cached/", REMOTE_ADDR="192.0.2.5", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert limit_headers(again)[:2] == ("3", "1"), "a cached 304 still passes through the throttle"


def test_window_slides_entries_leave_one_by_one(client):
    for _ in range(3):
        assert client.get(URL).status_code == 200
    key = rate_key("ip:127.0.0.1", 60)
    r = redis_client()
    oldest, second = r.zrange(key, 0, 1)
    # Age the oldest entry by 61 s and the second by 50 s, as if that much time had passed for them.
    r.zincrby(key, -61_000, oldest)
    r.zincrby(key, -50_000, second)

    freed = client.get(URL)
    assert freed.status_code == 200, "the entry older than the window has left"
    assert freed["X-RateLimit-Remaining"] == "0"
    assert freed["X-RateLimit-Reset"] in {"9", "10"}, "the next slot frees when the second entry leaves"
    refused = client.get(URL)
    assert refused.status_code == 429, "a fixed window would not free exactly one slot"
    assert refused["Retry-After"] in {"9", "10"}


def test_anonymous_keys_follow_the_seed_with_a_cluster_hash_tag(client, redis_prefix):
    client.get(URL)
    assert redis_client().exists(f"{redis_prefix}api:rate:{{ip:127.0.0.1}}:60")
    assert 59_000 < redis_client().pttl(f"{redis_prefix}api:rate:{{ip:127.0.0.1}}:60") <= 60_000


def test_ipv6_clients_are_counted_per_slash_64(client):
    for suffix in ("1", "2", "3"):
        assert client.get(URL, REMOTE_ADDR=f"2001:db8:0:1::{suffix}").status_code == 200
    assert client.get(URL, REMOTE_ADDR="2001:db8:0:1:ffff::9").status_code == 429
    assert client.get(URL, REMOTE_ADDR="2001:db8:0:2::1").status_code == 200


# -- API keys ------------------------------------------------------------------------------


def test_api_keys_get_their_own_hourly_limit_independent_of_each_other_and_the_ip(client):
    alpha = [client.get(URL, HTTP_X_TEST_KEY="alpha:2") for _ in range(3)]
    assert [response.status_code for response in alpha] == [200, 200, 429]
    assert limit_headers(alpha[0])[:2] == ("2", "1")
    assert alpha[2].json()["error"]["details"]["window_seconds"] == 3600
    assert 3500 < int(alpha[2]["Retry-After"]) <= 3600

    assert client.get(URL, HTTP_X_TEST_KEY="beta:5")["X-RateLimit-Remaining"] == "4"
    assert client.get(URL)["X-RateLimit-Remaining"] == "2", "the IP's anonymous budget is untouched"
    assert client.get(URL, HTTP_X_TEST_KEY="alpha:2").status_code == 429, "the key's budget is not the IP's"
    assert redis_client().zcard(rate_key("key:alpha", 3600)) == 2


def test_a_key_without_a_rate_limit_gets_the_seed_default(client):
    assert client.get(URL, HTTP_X_TEST_KEY="gamma:")["X-RateLimit-Limit"] == "1000"


# -- proxies -------------------------------------------------------------------------------


def test_x_forwarded_for_is_ignored_by_default(client):
    for n in range(3):
        assert client.get(URL, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code == 200
    assert client.get(URL, HTTP_X_FORWARDED_FOR="203.0.113.99").status_code == 429


def test_x_forwarded_for_is_honoured_behind_trusted_proxies(client, settings):
    settings.AIGO_TRUSTED_PROXIES = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for n in range(3):  # whatever the client writes on the left, the proxy's entry counts
        response = client.get(URL, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.7", **proxy)
        assert response.status_code == 200
    assert client.get(URL, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7", **proxy).status_code == 429
    assert client.get(URL, HTTP_X_FORWARDED_FOR="203.0.113.8", **proxy).status_code == 200
    assert redis_client().zcard(rate_key("ip:203.0.113.7", 60)) == 3


# -- off, and Redis down -------------------------------------------------------------------


def test_off_disables_rate_limiting_entirely(client, settings, redis_prefix):
    settings.AIGO_ANON_RATE = "off"
    responses = [client.get(URL) for _ in range(5)] + [client.post(URL, HTTP_X_TEST_KEY="alpha:1") for _ in range(3)]
    assert {response.status_code for response in responses} == {200, 201}
    assert all(response.headers.get("X-RateLimit-Limit") is None for response in responses)
    assert list(redis_client().scan_iter(match=f"{redis_prefix}*")) == []


def test_redis_down_reads_fail_open_and_writes_fail_closed(client, redis_down, caplog, monkeypatch):
    monkeypatch.setattr(ratelimit, "_next_warning", 0.0)

    with caplog.at_level(logging.WARNING, logger="aigo.api.ratelimit"):
        reads = [client.get(URL) for _ in range(5)]
        write = client.post(URL)
        keyed_write = client.post(URL, HTTP_X_TEST_KEY="alpha:10")

    assert [response.status_code for response in reads] == [200] * 5
    assert limit_headers(reads[0]) == ("3", None, None), "the limit is known, nothing was counted"
    assert write.status_code == 503 and keyed_write.status_code == 503
    assert write["Retry-After"] == "5"
    assert write.json()["error"]["code"] == "rate_limiter_unavailable"
    assert keyed_write["X-RateLimit-Limit"] == "10"
    assert len([record for record in caplog.records if record.name == "aigo.api.ratelimit"]) == 1


# -- concurrency ---------------------------------------------------------------------------


def test_fifty_concurrent_clients_never_exceed_the_limit():
    start = threading.Barrier(50)

    def client_thread() -> int:
        start.wait()
        return sum(rate_limit_hit(identity="key:hot", limit=200, window=60).allowed for _ in range(8))

    with ThreadPoolExecutor(max_workers=50) as pool:
        allowed = sum(pool.map(lambda _: client_thread(), range(50)))
    assert 198 <= allowed <= 202
    assert redis_client().zcard(rate_key("key:hot", 60)) == allowed


def test_fifty_concurrent_http_clients_never_exceed_the_limit(settings):
    settings.AIGO_ANON_RATE = "100/min"
    local = threading.local()

    def request(_) -> int:
        if not hasattr(local, "client"):
            local.client = Client(REMOTE_ADDR="198.51.100.77")
        return local.client.get(URL).status_code

    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = list(pool.map(request, range(150)))
    assert 99 <= statuses.count(200) <= 101
    assert statuses.count(200) + statuses.count(429) == 150
