"""Deliveries to a real HTTP receiver: signed, retried, redelivered, given up, disabled, refused."""

import json
from datetime import timedelta

import httpx
import pytest
from django.utils import timezone
from standardwebhooks import Webhook

from webhooks import send
from webhooks.dispatch import events_dispatch
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.send import MAX_ATTEMPTS, deliveries_due, delivery_send, retry_delay
from webhooks.tasks import dispatch_webhooks

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _events_first(events):
    """Autouse, so they are committed before any other fixture writes (an API key, an endpoint)."""


@pytest.fixture
def endpoint(client, headers, receiver, local_hooks):
    def register(**filters):
        body = {"url": receiver.url, "models": ["gpt-4o"], **filters}
        response = client.post("/api/v1/webhooks/", data=json.dumps(body), content_type="application/json", **headers)
        return response.json()

    return register


def _send_all() -> list[str | None]:
    with httpx.Client() as client:
        return [delivery_send(pk, client) for pk in WebhookDelivery.objects.values_list("pk", flat=True)]


def _due_now() -> None:
    WebhookDelivery.objects.filter(status="pending").update(next_attempt_at=timezone.now())


def test_an_event_reaches_each_matching_endpoint_signed_by_the_standard(events, endpoint, receiver):
    wanted = endpoint(event_types=["price.changed"])  # gpt-4o's only
    endpoint(event_types=["model.deprecated"])  # wants neither

    assert dispatch_webhooks() == {"created": 1, "queued": 1}  # eager: sent at once

    [request] = receiver.requests
    body = Webhook(wanted["secret"]).verify(request.body, request.headers)
    assert body["type"] == "price.changed" and body["data"]["id"] == events[0] and body["data"]["model"] == "gpt-4o"
    delivery = WebhookDelivery.objects.get()
    assert request.headers["webhook-id"] == str(delivery.pk)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("succeeded", 1, 200)
    assert events_dispatch() == 0  # dispatched once, however often it runs


def test_failures_are_retried_with_backoff_then_given_up(endpoint, receiver):
    endpoint()
    receiver.script.extend([500] * MAX_ATTEMPTS)
    events_dispatch()

    for attempt in range(1, MAX_ATTEMPTS + 1):
        before = timezone.now()
        _send_all()
        delivery = WebhookDelivery.objects.get()
        assert delivery.attempts == attempt
        if attempt < MAX_ATTEMPTS:
            assert delivery.status == "pending" and delivery.next_attempt_at > before
            assert _send_all() == [None]  # not due yet: nothing sent
            _due_now()
    assert delivery.status == "failed" and len(receiver.requests) == MAX_ATTEMPTS
    log = list(delivery.attempt_log.all())
    assert [entry.status_code for entry in log] == [500] * MAX_ATTEMPTS
    assert len(log[0].response_excerpt) == send.EXCERPT_BYTES  # the long error page, cut


def test_the_backoff_grows_exponentially_with_jitter():
    delays = [retry_delay(attempt).total_seconds() for attempt in range(1, MAX_ATTEMPTS)]

    assert 4 <= delays[0] <= 6 and 28_800 <= delays[-1] <= 43_200
    assert all(later > earlier for earlier, later in zip(delays, delays[1:], strict=False))


def test_a_timeout_is_a_failure_and_the_retry_succeeds(endpoint, receiver):
    endpoint()
    receiver.script.append(("sleep", 1.5))  # longer than the 0.5 s timeout
    events_dispatch()

    assert _send_all() == ["pending"]
    attempt = WebhookDelivery.objects.get().attempt_log.get()
    assert attempt.status_code is None and "Timeout" in attempt.error
    _due_now()
    assert _send_all() == ["succeeded"]


def test_redelivery_through_the_api_sends_the_same_message_again(client, headers, endpoint, receiver):
    created = endpoint()
    events_dispatch()
    _send_all()
    delivery = WebhookDelivery.objects.get()

    url = f"/api/v1/webhooks/{created['id']}/deliveries/{delivery.pk}/redeliver/"
    assert client.post(url, **headers).status_code == 202
    _send_all()

    first, again = receiver.requests
    assert first.body == again.body and first.headers["webhook-id"] == again.headers["webhook-id"]
    log = client.get(f"/api/v1/webhooks/{created['id']}/deliveries/", **headers).json()["results"]
    assert [entry["status_code"] for entry in log[0]["attempt_log"]] == [200, 200]


def test_a_crash_between_sending_and_recording_sends_again_never_loses(endpoint, receiver, monkeypatch):
    endpoint()
    events_dispatch()

    def crash(*args, **kwargs):
        raise SystemExit("worker killed")

    with monkeypatch.context() as patched:
        patched.setattr(send, "_record", crash)
        with pytest.raises(SystemExit):
            _send_all()
    assert _send_all() == [None]  # leased: nobody sends it while the first sender may still be at it
    WebhookDelivery.objects.update(leased_until=timezone.now() - timedelta(seconds=1))  # the lease ran out
    assert _send_all() == ["succeeded"]
    assert len(receiver.requests) == 2


def test_an_endpoint_failing_for_three_days_is_disabled_and_its_owner_sees_why(client, headers, endpoint, receiver):
    created = endpoint()
    WebhookEndpoint.objects.update(failing_since=timezone.now() - timedelta(days=3, minutes=1))
    receiver.script.append(503)
    events_dispatch()
    _send_all()

    shown = client.get(f"/api/v1/webhooks/{created['id']}/", **headers).json()
    assert shown["is_active"] is False and "HTTP 503" in shown["disabled_reason"]
    _due_now()
    assert _send_all() == ["failed"] and len(receiver.requests) == 1  # nothing more is sent to it


def test_a_url_that_resolves_to_a_private_address_is_refused_when_sending(endpoint, receiver, settings):
    endpoint()  # registered while allowed
    settings.AIGO_WEBHOOKS_ALLOW_PRIVATE = False
    events_dispatch()

    assert _send_all() == ["pending"]
    assert receiver.requests == []
    assert "not a public address" in WebhookDelivery.objects.get().attempt_log.get().error


def test_during_a_rotation_both_secrets_sign(client, headers, endpoint, receiver):
    created = endpoint()
    rotated = client.post(f"/api/v1/webhooks/{created['id']}/rotate-secret/", **headers, CONTENT_LENGTH="0").json()
    events_dispatch()
    _send_all()

    [request] = receiver.requests
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    for secret in (created["secret"], rotated["secret"]):
        Webhook(secret).verify(request.body, request.headers)


def test_a_due_delivery_is_handed_to_one_send_task_until_it_is_tried(endpoint, receiver):
    endpoint()
    receiver.script.append(500)
    events_dispatch()

    [due] = deliveries_due()
    assert deliveries_due() == []  # queued already: the next beat does not queue it again
    assert _send_all() == ["pending"]
    _due_now()
    assert deliveries_due() == [due]  # tried and due again: queued again
