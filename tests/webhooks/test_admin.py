"""Operators see endpoints and deliveries with every attempt, and redeliver from the admin."""

import pytest
from django.contrib.auth.models import User

from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(client):
    client.force_login(User.objects.create_superuser("operator", password="pw"))
    return client


@pytest.fixture
def failed():
    endpoint = WebhookEndpoint.objects.create(
        owner="team-a",
        url="https://hooks.example.com/x",
        secret="whsec_AA==",
        disabled_reason="Disabled: every delivery failed",
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event_id=7, event_type="price.changed", body="{}", status="failed", attempts=8
    )
    WebhookAttempt.objects.create(
        delivery=delivery,
        number=8,
        attempted_at=delivery.created_at,
        status_code=503,
        latency_ms=12,
        response_excerpt="busy",
    )
    return delivery


def test_the_admin_lists_endpoints_and_deliveries_with_their_attempts(operator, failed):
    assert "every delivery failed" in operator.get("/admin/webhooks/webhookendpoint/").content.decode()
    assert "price.changed" in operator.get("/admin/webhooks/webhookdelivery/").content.decode()
    page = operator.get(f"/admin/webhooks/webhookdelivery/{failed.pk}/change/").content.decode()
    assert "busy" in page and "503" in page


def test_redeliver_queues_the_delivery_again(operator, failed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():  # the send itself would go to hooks.example.com
        response = operator.post(
            "/admin/webhooks/webhookdelivery/", {"action": "redeliver", "_selected_action": [str(failed.pk)]}
        )

    assert response.status_code == 302
    failed.refresh_from_db()
    assert (failed.status, failed.finished_at) == ("pending", None)


def test_editors_do_not_see_the_webhooks(client, editor):
    assert client.get("/admin/webhooks/webhookdelivery/").status_code == 403
