"""Turning change events into deliveries: read the feed from the dispatch position, write one
delivery per matching active endpoint, move the position, all in one transaction (so an event is
never dispatched twice nor skipped)."""

import orjson
from django.db import transaction
from django.utils import timezone

from catalog.changes import Cursor, changes_after
from catalog.models import ChangeEvent

from .models import DispatchPosition, WebhookDelivery, WebhookEndpoint

BATCH = 500


def event_body(event: ChangeEvent) -> str:
    """The JSON sent: Standard Webhooks' {type, timestamp, data}, data being the feed's event."""
    data = {
        "id": event.id,
        "type": event.type,
        "occurred_at": event.occurred_at.isoformat(),
        "subject_kind": event.subject_kind,
        "subject": event.subject,
        "model": event.model,
        "provider": event.provider,
        "payload": event.payload,
        "source": event.source,
    }
    return orjson.dumps({"type": event.type, "timestamp": data["occurred_at"], "data": data}).decode()


def endpoint_matches(endpoint: WebhookEndpoint, event: ChangeEvent) -> bool:
    """Whether the endpoint wants the event (an endpoint gets the events dispatched once it exists)."""
    return (
        (not endpoint.event_types or event.type in endpoint.event_types)
        and (not endpoint.model_slugs or event.model in endpoint.model_slugs)
        and (not endpoint.provider_slugs or event.provider in endpoint.provider_slugs)
    )


@transaction.atomic
def deliveries_create(batch: int = BATCH) -> tuple[int, int]:
    """Dispatch up to `batch` events; returns (events read, deliveries written)."""
    DispatchPosition.objects.get_or_create(id=1)
    position = DispatchPosition.objects.select_for_update().get(id=1)  # one dispatcher at a time
    events = changes_after(Cursor(position.txid, position.event_id), limit=batch)
    if not events:
        return 0, 0
    endpoints = list(WebhookEndpoint.objects.filter(is_active=True))
    now = timezone.now()
    rows = [
        WebhookDelivery(
            endpoint=endpoint, event_id=event.id, event_type=event.type, body=event_body(event), next_attempt_at=now
        )
        for event in events
        for endpoint in endpoints
        if endpoint_matches(endpoint, event)
    ]
    WebhookDelivery.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    position.txid, position.event_id = events[-1].txid, events[-1].id
    position.save(update_fields=["txid", "event_id"])
    return len(events), len(rows)


def events_dispatch() -> int:
    """Dispatch every event the feed has; returns the deliveries written."""
    written = 0
    while True:
        read, created = deliveries_create()
        written += created
        if read < BATCH:
            return written
