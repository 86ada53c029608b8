"""PostgreSQL restarted (fast shutdown) under a steady mix of reads, probe ingestion and event
beacons: while it is down clients get 503 with Retry-After (never a 500 or a dropped
connection), nothing is half-written, and everything resumes within seconds of its return
without touching the web, worker or beat processes. Beacons go to the events buffer in Redis:
they are accepted throughout, and stored once the database is back."""

import time

from .stack import wait_until
from .traffic import PROBE_MODEL, PROBE_REGION, Traffic

DOWN_SECONDS = 3
# From the server accepting connections again to every client being served again.
RECOVERY_SECONDS = 5


def _stored_probes(stack, traffic: Traffic) -> int:
    return stack.sql(
        "SELECT count(*) FROM status_probes p JOIN models m ON m.id = p.model_id"
        " WHERE m.slug = %s AND p.region = %s AND p.probe_location = %s",
        [PROBE_MODEL, PROBE_REGION, traffic.tag],
    )[0][0]


def _stored_beacons(stack, traffic: Traffic) -> dict[str, int]:
    rows = stack.sql(
        "SELECT session_id, count(*) FROM analytics_events WHERE starts_with(session_id, %s) GROUP BY 1",
        [f"{traffic.tag}-"],
    )
    return dict(rows)


def test_a_database_restart_costs_clients_503s_for_its_duration_only(stack):
    key = stack.api_key("write:status")
    with Traffic(stack, key) as traffic:
        time.sleep(2)
        down = time.monotonic()
        stack.postgres("stop")
        time.sleep(DOWN_SECONDS)
        stack.postgres("start")
        up = time.monotonic()
        time.sleep(RECOVERY_SECONDS + 3)

    statuses = {answer.status for answer in traffic.answers}
    assert statuses <= {200, 201, 202, 503}, statuses  # no 500, no connection dropped
    refused = [answer for answer in traffic.answers if answer.status == 503]
    assert all(answer.retry_after == "5" for answer in refused)
    assert any(answer.status == 503 for answer in traffic.of("ingest", down, up)), "ingest: no 503 while down"
    late = [answer for answer in traffic.of("ingest", up + RECOVERY_SECONDS) if answer.status == 503]
    assert not late, f"ingest: still refused {late[-1].at - up:.1f} s after PostgreSQL came back"
    assert traffic.of("ingest", up + RECOVERY_SECONDS), "ingest: no request after the recovery"
    assert {answer.status for answer in traffic.of("beacon")} == {202}
    assert not [answer for answer in traffic.of("read", up + RECOVERY_SECONDS) if answer.status != 200]

    # Every accepted probe stored once (refused batches were sent again); every beacon stored
    # whole once the events drain caught up.
    assert _stored_probes(stack, traffic) == traffic.probes_sent
    wait_until(lambda: set(_stored_beacons(stack, traffic)) == set(traffic.beacons), 10, "every beacon stored")
    assert {session: count for session, count in _stored_beacons(stack, traffic).items() if count != 2} == {}

    # Beat and the worker carried on by themselves: the 5-second webhook dispatch ran since.
    wait_until(
        lambda: stack.sql(
            "SELECT 1 FROM periodic_task_runs WHERE task = 'webhooks.tasks.dispatch_webhooks'"
            " AND last_status = 'success' AND last_finished_at > now() - interval '4 seconds'"
        ),
        20,
        "the periodic webhook dispatch runs again",
    )
