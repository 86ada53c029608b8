"""Sending one delivery: lease it, check the URL again, POST the signed body with a timeout, log
the attempt, and schedule the next one (exponential backoff with jitter) or give up.

The lease (leased_until) keeps a delivery from being sent twice at once without a transaction
held open across the request; a worker that dies mid-send leaves the lease to run out, and the
delivery is sent again (at least once, never lost).
"""

import random
import time
from datetime import datetime, timedelta

import httpx
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from .signing import signed_headers
from .urlcheck import UnsafeURL, url_check

# Seconds to wait after attempt 1, 2, ... 7: the 8th attempt is the last (about 28 hours in all).
RETRY_DELAYS = (5, 60, 300, 1800, 7200, 18000, 36000)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
JITTER = 0.2  # ±20 %, so endpoints that failed together are not retried together
DISABLE_AFTER = timedelta(days=3)
EXCERPT_BYTES = 1024
USER_AGENT = "AI-GO-Webhooks/1"


def retry_delay(attempt: int) -> timedelta:
    """How long after failed attempt `attempt` (1-based) the next one is due."""
    base = RETRY_DELAYS[attempt - 1]
    return timedelta(seconds=base * random.uniform(1 - JITTER, 1 + JITTER))


def _lease(delivery_id, now: datetime) -> WebhookDelivery | None:
    lease = timedelta(seconds=settings.AIGO_WEBHOOKS_TIMEOUT * 3 + 30)
    taken = WebhookDelivery.objects.filter(
        Q(leased_until__isnull=True) | Q(leased_until__lt=now),
        pk=delivery_id,
        status="pending",
        next_attempt_at__lte=now,
    ).update(leased_until=now + lease)
    return WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id) if taken else None


def _post(client: httpx.Client, endpoint: WebhookEndpoint, delivery: WebhookDelivery, now: datetime) -> dict:
    """One attempt's outcome: status_code, response_excerpt, error."""
    try:
        url_check(endpoint.url)
    except UnsafeURL as error:
        return {"error": f"refused: {error}"}
    headers = signed_headers(endpoint, str(delivery.pk), delivery.body, now)
    headers |= {"content-type": "application/json", "user-agent": USER_AGENT}
    try:
        with client.stream(
            "POST",
            endpoint.url,
            content=delivery.body.encode(),
            headers=headers,
            timeout=settings.AIGO_WEBHOOKS_TIMEOUT,
            follow_redirects=False,
        ) as response:
            excerpt = b""
            for chunk in response.iter_raw(EXCERPT_BYTES):  # read no more of the answer than we keep
                excerpt += chunk
                if len(excerpt) >= EXCERPT_BYTES:
                    break
        return {
            "status_code": response.status_code,
            "response_excerpt": excerpt[:EXCERPT_BYTES].decode("utf-8", "replace"),
        }
    except httpx.HTTPError as error:
        return {"error": f"{type(error).__name__}: {error}"[:500]}


def _endpoint_failed(endpoint_id, now: datetime, outcome: dict) -> None:
    """Note the failure on the endpoint; disable it when every delivery has failed for DISABLE_AFTER."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint_id)
    endpoint.failing_since = endpoint.failing_since or now
    if now - endpoint.failing_since >= DISABLE_AFTER and endpoint.is_active:
        endpoint.is_active = False
        endpoint.disabled_reason = (
            f"Disabled {now:%Y-%m-%d %H:%M} UTC: every delivery failed since "
            f"{endpoint.failing_since:%Y-%m-%d %H:%M} UTC; the last: "
            f"{outcome.get('error') or 'HTTP ' + str(outcome.get('status_code'))}."
        )
    endpoint.save(update_fields=["failing_since", "is_active", "disabled_reason", "updated_at"])


@transaction.atomic
def _record(delivery: WebhookDelivery, now: datetime, latency_ms: int, outcome: dict, final: bool = False) -> str:
    """Log the attempt and decide what comes next; `final`: no retry whatever the outcome."""
    delivery.attempts += 1
    WebhookAttempt.objects.create(
        delivery=delivery, number=delivery.attempts, attempted_at=now, latency_ms=latency_ms, **outcome
    )
    delivery.last_status_code, delivery.leased_until, delivery.queued_until = outcome.get("status_code"), None, None
    if 200 <= (outcome.get("status_code") or 0) < 300:
        delivery.status, delivery.finished_at = "succeeded", timezone.now()
        # The common case writes nothing to the endpoint: only a failing one has anything to clear.
        WebhookEndpoint.objects.filter(pk=delivery.endpoint_id, failing_since__isnull=False).update(failing_since=None)
    else:
        if final or delivery.attempts >= MAX_ATTEMPTS:
            delivery.status, delivery.finished_at = "failed", timezone.now()
        else:
            delivery.next_attempt_at = now + retry_delay(delivery.attempts)
        _endpoint_failed(delivery.endpoint_id, now, outcome)
    # The lease makes this sender the only writer of the delivery until it is cleared here.
    delivery.save(
        update_fields=[
            "attempts",
            "last_status_code",
            "leased_until",
            "queued_until",
            "status",
            "finished_at",
            "next_attempt_at",
        ]
    )
    return delivery.status


def delivery_send(delivery_id, client: httpx.Client) -> str | None:
    """Attempt delivery `delivery_id` if it is due and nobody else is sending it; returns its status after."""
    now = timezone.now()
    delivery = _lease(delivery_id, now)
    if delivery is None:
        return None
    if not delivery.endpoint.is_active:
        return _record(delivery, now, 0, {"error": "endpoint disabled"}, final=True)
    started = time.monotonic()
    outcome = _post(client, delivery.endpoint, delivery, now)
    return _record(delivery, now, round((time.monotonic() - started) * 1000), outcome)


QUEUED_FOR = timedelta(minutes=2)


@transaction.atomic
def deliveries_due(limit: int = 1000) -> list:
    """The deliveries due and not already handed to a send task, marked as handed (for QUEUED_FOR)."""
    now = timezone.now()
    # uses index: idx_webhook_deliveries_due
    due = WebhookDelivery.objects.filter(status="pending", next_attempt_at__lte=now).filter(
        Q(leased_until__isnull=True) | Q(leased_until__lt=now), Q(queued_until__isnull=True) | Q(queued_until__lt=now)
    )
    ids = list(due.order_by("next_attempt_at").select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit])
    WebhookDelivery.objects.filter(pk__in=ids).update(queued_until=now + QUEUED_FOR)
    return ids


def delivery_redeliver(delivery: WebhookDelivery) -> None:
    """Send again, now (after a failure, or to replay one that succeeded)."""
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status="pending", next_attempt_at=timezone.now(), finished_at=None, leased_until=None, queued_until=None
    )
