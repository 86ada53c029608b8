"""The Celery worker SIGKILLed in the middle of each task that writes, then started again: the
task was acknowledged late, so the broker hands it out again (after CELERY_VISIBILITY_TIMEOUT),
and being idempotent it leaves its work done exactly once.

The task is stopped at a known point without a hook in its code: the test holds a lock on what
the task writes next, waits until the task waits for it, kills the worker and its database
session (what it had not committed is rolled back), then lets go.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from celery import Celery
from psycopg import sql

from aigo.schedule import SCHEDULE
from tests.status.probes import probe

from .stack import VISIBILITY_TIMEOUT, Stack, wait_until

# The worker starts, the lost task comes back after the visibility timeout, and runs.
REDELIVERED_WITHIN = VISIBILITY_TIMEOUT + 30


@dataclass(frozen=True)
class Case:
    task: str
    hold: str  # SQL of the test's transaction, held while the worker is killed: where the task waits
    waits_in: str  # a word of the task's statement that waits
    prepare: Callable[[Stack], object]  # gives the task work to do; returns what done() needs
    done: Callable[[Stack, object], bool]  # the work is done, and done once
    queue: Callable[[Stack], None] | None = None  # how the task is queued when beat does not
    # Work is given while the lock is held, so a run beat sends meanwhile waits too rather than
    # doing it first; unless giving it needs what the lock holds (beat runs those tasks rarely).
    prepare_before_hold: bool = False


def send_as_beat(stack: Stack, task: str) -> None:
    options = next(entry.get("options", {}) for entry in SCHEDULE.values() if entry["task"] == task)
    app = Celery()
    # Not broker=: the suite's own CELERY_BROKER_URL in the environment would win over it.
    app.conf.broker_write_url = stack.env["CELERY_BROKER_URL"]
    try:
        app.send_task(task, **options)
    finally:
        app.close()


def one(stack: Stack, query: str, params=None):
    return stack.sql(query, params)[0][0]


# model_listings: a rename on the primary shows in the view once, refreshed.


def rename_model(stack: Stack) -> str:
    name = f"Atlas Mini {uuid.uuid4().hex[:6]}"
    stack.sql(
        "UPDATE models SET name = jsonb_set(name, '{en-US}', to_jsonb(%s::text)) WHERE slug = 'atlas-mini'", [name]
    )
    return name


def listed_once(stack: Stack, name: str) -> bool:
    return stack.sql("SELECT name ->> 'en-US' FROM model_listings WHERE slug = 'atlas-mini'") == [(name,)]


def queue_listings_refresh(stack: Stack) -> None:
    """As a catalog write queues it (an import or an editor's save): debounced, with a countdown."""
    stack.manage("shell", "-c", "from catalog.listings import listings_refresh_soon; listings_refresh_soon()")


# Status rollup: the 5-minute rows count every queued probe once.

ROLLUP_PAIR = ("atlas-mini", "asia-east")


def ingest_probes(stack: Stack) -> int:
    start = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=30)
    model, region = ROLLUP_PAIR
    rows = [probe(start + timedelta(minutes=minute), model=model, region=region) for minute in range(12)]
    key = stack.api_key("write:status")
    with stack.client(Authorization=f"Bearer {key}") as client:
        response = client.post("/api/v1/status/probes", json=rows)
    assert response.status_code == 201, response.text
    return len(rows)


def rolled_up_once(stack: Stack, probes: int) -> bool:
    counted = one(
        stack,
        "SELECT coalesce(sum(s.probe_count), 0) FROM status_5min s JOIN models m ON m.id = s.model_id"
        " WHERE m.slug = %s AND s.region = %s",
        list(ROLLUP_PAIR),
    )
    queued = one(stack, "SELECT count(*) FROM status_rollup_queue")
    return counted == probes and queued == 0


# News view counts: every view recorded in Redis is added to the article once.


def view_article(stack: Stack) -> tuple[int, int]:
    before = one(stack, "SELECT view_count FROM news_articles WHERE slug = 'comet-pro-launch'")
    views = 5
    with stack.client() as client:
        for _ in range(views):
            assert client.get("/en-US/news/comet-pro-launch/").status_code == 200
    return before, views


def views_added_once(stack: Stack, counts: tuple[int, int]) -> bool:
    before, views = counts
    after = one(stack, "SELECT view_count FROM news_articles WHERE slug = 'comet-pro-launch'")
    assert after <= before + views, f"views counted twice: {after - before} of {views}"
    return after == before + views and not stack.redis().smembers("news:{views}:flushes")


# Partitions: the newest partition of two tables dropped; the keeper makes both again (and, on a
# fresh database, the history partitions kept for late rows).

KEPT = ("status_probes", "analytics_events")


PARTITIONS = (
    "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = %s::regclass"
    " AND pg_get_expr(c.relpartbound, c.oid) <> 'DEFAULT' ORDER BY 1"
)


def partitions(stack: Stack, table: str) -> list[str]:
    return [name for (name,) in stack.sql(PARTITIONS, [table])]


def drop_newest_partitions(stack: Stack) -> dict[str, list[str]]:
    kept = {table: partitions(stack, table) for table in KEPT}
    for table in KEPT:
        stack.sql(sql.SQL("DROP TABLE {}").format(sql.Identifier(kept[table][-1])))
    return kept


def partitions_back(stack: Stack, kept: dict[str, list[str]]) -> bool:
    # Names are unique and PostgreSQL refuses overlapping bounds: none can be there twice.
    return all(set(names) <= set(partitions(stack, table)) for table, names in kept.items())


# API keys: two keys due for rotation get one successor each; an expired key is switched off.


def keys_due(stack: Stack) -> list[str]:
    names = [f"faults-rotate-{uuid.uuid4().hex[:6]}" for _ in range(2)]
    for name in names:
        stack.manage("create_api_key", "--name", name, "--scopes", "read:catalog")
    stack.sql("UPDATE api_keys SET created_at = now() - interval '400 days' WHERE name = ANY(%s)", [names])
    stack.manage("create_api_key", "--name", "faults-expired", "--scopes", "read:catalog")
    stack.sql("UPDATE api_keys SET expires_at = now() - interval '1 day' WHERE name = 'faults-expired'")
    return names


def rotated_once(stack: Stack, names: list[str]) -> bool:
    """A successor keeps its key's name: two keys of each name, the old one pointing at the new."""
    keys = dict(stack.sql("SELECT name, count(*) FROM api_keys WHERE name = ANY(%s) GROUP BY name", [names]))
    assert all(count <= 2 for count in keys.values()), f"rotated twice: {keys}"
    replaced = one(stack, "SELECT count(*) FROM api_keys WHERE name = ANY(%s) AND replaced_by_id IS NOT NULL", [names])
    expired_active = one(stack, "SELECT count(*) FROM api_keys WHERE name = 'faults-expired' AND is_active")
    return keys == dict.fromkeys(names, 2) and replaced == len(names) and expired_active == 0


# daily_stats: today's page views as analytics_events has them.


def send_events(stack: Stack) -> None:
    events = [{"type": "page_view", "properties": {"path": f"/faults/{uuid.uuid4().hex}"}} for _ in range(3)]
    with stack.client() as client:
        assert client.post("/api/v1/events", json=events).status_code == 202


def stats_current(stack: Stack, _prepared) -> bool:
    return stack.sql(
        "SELECT event_count FROM daily_stats WHERE day = date_trunc('day', now(), 'UTC') AND event_type = 'page_view'"
    ) == stack.sql(
        "SELECT count(*) FROM analytics_events WHERE timestamp >= date_trunc('day', now(), 'UTC')"
        " AND event_type = 'page_view'"
    )


# Incidents: a model below the threshold for three 5-minute buckets gets one incident.

DEGRADED = ("nova-flash", "us-west")


def degrade(stack: Stack) -> None:
    stack.sql(
        "INSERT INTO status_5min (bucket, model_id, region, avg_availability, probe_count)"
        " SELECT time_bucket('5 minutes', now()) - step * interval '5 minutes', m.id, %s, 40, 6"
        " FROM models m, generate_series(0, 3) step WHERE m.slug = %s",
        [DEGRADED[1], DEGRADED[0]],
    )


def one_incident(stack: Stack, _prepared) -> bool:
    incidents = one(
        stack,
        "SELECT count(*) FROM incidents i JOIN models m ON m.id = i.model_id WHERE m.slug = %s"
        " AND i.metadata ->> 'automatic' = 'true' AND %s = ANY(i.regions)",
        list(DEGRADED),
    )
    assert incidents <= 1, f"{incidents} incidents opened"
    return incidents == 1


CASES = [
    # A refresh of our own, rolled back, holds the view's lock.
    Case(
        "catalog.tasks.refresh_model_listings",
        "REFRESH MATERIALIZED VIEW CONCURRENTLY model_listings",
        "refresh_model_listings",
        rename_model,
        listed_once,
    ),
    Case(
        "catalog.tasks.refresh_model_listings",
        "REFRESH MATERIALIZED VIEW CONCURRENTLY model_listings",
        "refresh_model_listings",
        rename_model,
        listed_once,
        queue=queue_listings_refresh,
    ),
    Case(
        "status.tasks.rollup_status",
        "LOCK status_hourly IN SHARE MODE",
        "status_rollup_queue",
        ingest_probes,
        rolled_up_once,
    ),
    # The views are claimed in Redis before the task waits to add them.
    Case(
        "news.tasks.flush_news_views",
        "LOCK news_articles IN SHARE MODE",
        "news_articles",
        view_article,
        views_added_once,
    ),
    # The first table's partition is made and committed before the task waits at the second's.
    Case(
        "aigo.tasks.ensure_partitions",
        "LOCK analytics_events IN SHARE MODE",
        "aigo_ensure_partitions",
        drop_newest_partitions,
        partitions_back,
        prepare_before_hold=True,
    ),
    # Both keys are rotated (each committed on its own) before the task waits at the expired one.
    Case(
        "accounts.tasks.rotate_api_keys",
        "SELECT 1 FROM api_keys WHERE name = 'faults-expired' FOR UPDATE",
        "api_keys",
        keys_due,
        rotated_once,
        prepare_before_hold=True,
    ),
    Case(
        "analytics.tasks.refresh_daily_stats",
        "REFRESH MATERIALIZED VIEW CONCURRENTLY daily_stats",
        "refresh_daily_stats",
        send_events,
        stats_current,
    ),
    # The incident is inserted before the task waits to add its first update.
    Case(
        "status.tasks.detect_incidents",
        "LOCK incident_updates IN SHARE MODE",
        "incident_updates",
        degrade,
        one_incident,
    ),
]


def _waiting(stack: Stack, case: Case) -> list[int]:
    """The database sessions of the task, waiting at the held lock."""
    rows = stack.sql(
        "SELECT pid FROM pg_stat_activity WHERE datname = 'aigo' AND wait_event_type = 'Lock'"
        " AND strpos(query, %s) > 0",
        [case.waits_in],
    )
    return [pid for (pid,) in rows]


@pytest.mark.parametrize("case", CASES, ids=[f"{case.task}{'-queued' if case.queue else ''}" for case in CASES])
def test_a_task_killed_midway_is_done_once_after_the_worker_restarts(stack, case):
    prepared = case.prepare(stack) if case.prepare_before_hold else None
    with stack.connect(autocommit=False) as holder:
        holder.execute(case.hold)
        if not case.prepare_before_hold:
            prepared = case.prepare(stack)
        if case.queue:
            case.queue(stack)
        else:
            send_as_beat(stack, case.task)
        sessions = wait_until(lambda: _waiting(stack, case), 30, f"{case.task} waits at the held lock")
        stack.kill("worker")
        # Its database session ends with it, as when PostgreSQL notices the client is gone: nothing
        # after the held lock may happen but through the task handed out again.
        for pid in sessions:
            holder.execute("SELECT pg_terminate_backend(%s)", [pid])
        holder.rollback()
    stack.start_worker()
    wait_until(lambda: case.done(stack, prepared), REDELIVERED_WITHIN, f"{case.task} done after the restart")
