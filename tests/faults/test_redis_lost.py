"""Redis flushed (FLUSHALL) and then restarted empty under traffic: nobody sees an error page or
a 500; writes the rate limiter cannot count get 503 with Retry-After (reads, probe ingestion and
event beacons are served, as aigo.api.ratelimit documents); a session is lost and its editor is
sent to log in again; the live status and trending come back without anyone running
rebuild_redis, feature flags when read."""

import re
import time
from datetime import UTC, datetime, timedelta

import httpx

from tests.status.probes import probe

from .stack import Stack, wait_until
from .traffic import Traffic

LIVE = ("comet-pro", "us-east")
# The periodic rebuild runs every 15 s; the worker and beat reconnect with a back-off of seconds.
REBUILT_WITHIN = 60


def _log_in(stack: Stack) -> str:
    """The editor's session cookie, from the admin's login form. The production settings mark
    cookies Secure, which a client keeps off plain http: the cookies are sent by hand."""
    with stack.client() as client:
        form = client.get("/admin/login/")
        csrf = form.cookies["csrftoken"]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)[1]
        done = client.post(
            "/admin/login/?next=/admin/",
            data={"username": "editor", "password": "browser-test-password", "csrfmiddlewaretoken": token},
            headers={"Cookie": f"csrftoken={csrf}"},
        )
    assert done.status_code == 302, done.text[:500]
    return done.cookies["sessionid"]


def _admin(stack: Stack, session: str) -> httpx.Response:
    with stack.client() as client:
        return client.get("/admin/", headers={"Cookie": f"sessionid={session}"})


def _warm(stack: Stack, key: str) -> None:
    """A live status and a model view in trending, both in Redis."""
    now = datetime.now(UTC)
    with stack.client(Authorization=f"Bearer {key}") as client:
        batch = [probe(now - timedelta(seconds=30), model=LIVE[0], region=LIVE[1])]
        assert client.post("/api/v1/status/probes", json=batch).status_code in (200, 201)
    # As served, outside any transaction, the request log's row commits on its own before the answer.
    assert stack.sql("SELECT count(*) FROM audit_logs WHERE action = 'POST /api/v1/status/probes'")[0][0] >= 1
    with stack.client() as client:
        view = {"type": "model_view", "properties": {"model": LIVE[0]}}
        assert client.post("/api/v1/events", json=[view] * 3).status_code == 202


def _ranked(stack: Stack) -> bool:
    with stack.client() as client:
        models = client.get("/api/v1/status/rankings", params={"by": "availability"}).json()["models"]
    return LIVE[0] in {row["model"] for row in models}


def _trending(stack: Stack) -> bool:
    with stack.client() as client:
        response = client.get("/api/v1/trending/models")
    return LIVE[0] in {row["slug"] for row in response.json()["models"]}


def _flag_read(stack: Stack) -> bool:
    """No page reads a flag yet: read one as a request would (accounts.features), on the site's side."""
    read = "from accounts.features import features_for; print(features_for('us-east')['ai_chat'])"
    return (
        stack.manage("shell", "-c", read).splitlines()[-1] == "True" and stack.redis().exists("features:us-east") == 1
    )


def test_redis_flushed_and_restarted_under_traffic_is_rebuilt_without_errors(stack):
    key = stack.api_key("write:status")
    _warm(stack, key)
    # Off by default: on, read back, it came from PostgreSQL.
    stack.sql("INSERT INTO feature_flags (region, name, enabled) VALUES ('us-east', 'ai_chat', true)")
    session = _log_in(stack)
    assert _admin(stack, session).status_code == 200
    wait_until(lambda: _ranked(stack) and _trending(stack) and _flag_read(stack), 20, "Redis holds it all")

    with Traffic(stack, key) as traffic:
        time.sleep(2)
        stack.redis().flushall()
        time.sleep(3)
        stack.stop("redis")
        down = time.monotonic()
        with stack.client(Authorization=f"Bearer {key}") as client:
            read = client.get("/api/v1/models/")
            ingest = client.post("/api/v1/status/probes", json=[probe(datetime.now(UTC), model=LIVE[0])])
            beacon = client.post("/api/v1/events", json={"type": "page_view", "properties": {"path": "/"}})
            # Any other write is refused by the limiter before the view sees it.
            write = client.post("/api/v1/models/", json={})
        time.sleep(2)
        stack.start_redis()
        up = time.monotonic()
        time.sleep(5)

    statuses = {answer.status for answer in traffic.answers}
    assert statuses <= {200, 201, 202, 503}, statuses
    assert all(answer.retry_after for answer in traffic.answers if answer.status == 503)
    assert {answer.status for answer in traffic.of("read")} == {200}
    assert not [answer for answer in traffic.answers if answer.status == 503 and not down <= answer.at < up + 2]
    # Redis down: reads, probe ingestion and beacons fail open without counting; other writes fail closed.
    assert read.status_code == 200
    assert "X-RateLimit-Limit" in read.headers and "X-RateLimit-Remaining" not in read.headers
    assert (ingest.status_code, beacon.status_code) == (201, 202)
    assert write.status_code == 503 and write.headers["Retry-After"]
    assert write.json()["error"]["code"] == "rate_limiter_unavailable"

    # The session is gone with Redis: the editor is asked to log in again, not shown an error.
    lost = _admin(stack, session)
    assert lost.status_code == 302 and lost.headers["Location"].startswith("/admin/login/")

    wait_until(lambda: _ranked(stack), REBUILT_WITHIN, "the live rankings rebuilt")
    wait_until(lambda: _trending(stack), REBUILT_WITHIN, "trending rebuilt")
    assert _flag_read(stack)  # rebuilt on demand
    # The worker and beat reconnected by themselves: the 5-second webhook dispatch runs again.
    wait_until(
        lambda: stack.sql(
            "SELECT 1 FROM periodic_task_runs WHERE task = 'webhooks.tasks.dispatch_webhooks'"
            " AND last_status = 'success' AND last_finished_at > now() - interval '4 seconds'"
        ),
        REBUILT_WITHIN,
        "the periodic webhook dispatch runs again",
    )
