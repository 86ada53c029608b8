"""Two workers taking the same delivery at the same moment: one sends it, the other finds it taken."""

import threading

import httpx
import pytest
from django.db import connections

from tests.db import owner_connection
from webhooks.send import delivery_send

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivery(receiver):
    """A committed endpoint and due delivery, as two workers would both see them; removed after."""
    with owner_connection() as conn:
        endpoint = conn.execute(
            "INSERT INTO webhook_endpoints (owner, url, secret, description, previous_secret, disabled_reason)"
            " VALUES ('team-a', %s, 'whsec_AAAA', '', '', '') RETURNING id",
            [receiver.url],
        ).fetchone()[0]
        delivery = conn.execute(
            "INSERT INTO webhook_deliveries (endpoint_id, event_id, event_type, body, next_attempt_at)"
            " VALUES (%s, 1, 'price.changed', '{}', now()) RETURNING id",
            [endpoint],
        ).fetchone()[0]
    yield delivery
    with owner_connection() as conn:
        conn.execute("DELETE FROM webhook_attempts WHERE delivery_id = %s", [delivery])
        conn.execute("DELETE FROM webhook_deliveries WHERE id = %s", [delivery])
        conn.execute("DELETE FROM webhook_endpoints WHERE id = %s", [endpoint])


def test_a_delivery_taken_by_two_workers_at_once_is_sent_once(delivery, receiver, local_hooks):
    start = threading.Barrier(2)
    outcomes = []

    def worker() -> None:
        try:
            start.wait()
            with httpx.Client() as client:
                outcomes.append(delivery_send(delivery, client))
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes, key=str) == [None, "succeeded"]
    assert len(receiver.requests) == 1
