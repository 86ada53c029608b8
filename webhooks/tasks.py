import httpx
from celery import shared_task

from .dispatch import events_dispatch
from .send import deliveries_due, delivery_send

CHUNK = 50  # deliveries per send task: one message per delivery would flood the broker on a fan-out


@shared_task
def dispatch_webhooks() -> dict[str, int]:
    """Turn new change events into deliveries, and queue every delivery due (first tries and retries)."""
    created = events_dispatch()
    due = deliveries_due()
    for start in range(0, len(due), CHUNK):
        send_webhooks.delay([str(pk) for pk in due[start : start + CHUNK]])
    return {"created": created, "queued": len(due)}


@shared_task
def send_webhooks(delivery_ids: list[str]) -> dict[str, int]:
    outcomes: dict[str, int] = {}
    with httpx.Client() as client:  # one connection pool for the chunk: keep-alive per host
        for delivery_id in delivery_ids:
            status = delivery_send(delivery_id, client) or "skipped"
            outcomes[status] = outcomes.get(status, 0) + 1
    return outcomes
