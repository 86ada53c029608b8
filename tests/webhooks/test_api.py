"""/api/v1/webhooks/: registering endpoints, their secrets, and who may see them."""

import json

import pytest

from accounts.keys import api_key_issue
from webhooks.models import WebhookEndpoint

pytestmark = pytest.mark.django_db

URL = "/api/v1/webhooks/"


def _post(client, headers, body, url=URL):
    return client.post(url, data=json.dumps(body), content_type="application/json", **headers)


def test_registering_answers_the_secret_once_and_lists_keep_it_hidden(client, headers, local_hooks):
    response = _post(
        client, headers, {"url": "http://127.0.0.1:9/hook", "event_types": ["price.changed"], "models": ["gpt-4o"]}
    )

    assert response.status_code == 201
    created = response.json()
    assert created["secret"].startswith("whsec_") and created["models"] == ["gpt-4o"]
    listed = client.get(URL, **headers).json()["results"]
    assert [row["id"] for row in listed] == [created["id"]] and "secret" not in listed[0]
    assert WebhookEndpoint.objects.get().owner == "team-a"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "http://example.com/hook"}, "url"),  # https only
        ({"url": "https://127.0.0.1/hook"}, "url"),  # loopback
        ({"url": "https://10.1.2.3/hook"}, "url"),  # private
        ({"url": "https://169.254.169.254/latest"}, "url"),  # link-local: cloud metadata
        ({"url": "https://[::ffff:127.0.0.1]/hook"}, "url"),
        ({"url": "https://localhost/hook"}, "url"),
        ({"url": "https://user:pw@example.com/hook"}, "url"),
        ({"url": "https://example.com/h", "event_types": ["price.exploded"]}, "event_types"),
        ({"url": "https://example.com/h", "models": ["not a slug"]}, "models"),
    ],
)
def test_unsafe_urls_and_unknown_filters_are_refused(client, headers, body, field):
    response = _post(client, headers, body)

    assert response.status_code == 400
    assert field in response.json()["error"]["details"]["fields"]
    assert not WebhookEndpoint.objects.exists()


def test_the_scope_is_needed_and_a_client_sees_only_its_own(client, headers, local_hooks):
    mine = _post(client, headers, {"url": "http://127.0.0.1:9/a"}).json()["id"]
    reader = api_key_issue(name="reader", scopes=["read:catalog"])[1]
    other = api_key_issue(name="other", scopes=["write:webhooks"], user_identifier="team-b")[1]

    assert client.get(URL).status_code == 401
    assert client.get(URL, HTTP_AUTHORIZATION=f"Bearer {reader}").status_code == 403
    assert client.get(URL, HTTP_AUTHORIZATION=f"Bearer {other}").json()["results"] == []
    assert client.get(f"{URL}{mine}/", HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 404
    assert client.delete(f"{URL}{mine}/", HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 404
    assert client.delete(f"{URL}{mine}/", **headers).status_code == 204


def test_rotating_gives_a_new_secret_and_keeps_the_old_one_for_the_overlap(client, headers, local_hooks):
    created = _post(client, headers, {"url": "http://127.0.0.1:9/a"}).json()

    rotated = _post(client, headers, {"overlap_hours": 2}, f"{URL}{created['id']}/rotate-secret/").json()

    endpoint = WebhookEndpoint.objects.get()
    assert rotated["secret"] == endpoint.secret != created["secret"] == endpoint.previous_secret
    assert _post(client, headers, {"overlap_hours": 999}, f"{URL}{created['id']}/rotate-secret/").status_code == 400


def test_turning_a_disabled_endpoint_back_on_clears_why(client, headers, local_hooks):
    created = _post(client, headers, {"url": "http://127.0.0.1:9/a"}).json()
    WebhookEndpoint.objects.update(is_active=False, disabled_reason="failing for 3 days")

    response = client.patch(
        f"{URL}{created['id']}/", data=json.dumps({"is_active": True}), content_type="application/json", **headers
    )

    assert response.status_code == 200 and response.json()["disabled_reason"] == ""
    assert WebhookEndpoint.objects.get().is_active


def test_the_webhook_endpoints_are_in_the_published_schema(client):
    paths = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]

    assert {URL, f"{URL}{{id}}/", f"{URL}{{id}}/deliveries/", f"{URL}{{id}}/rotate-secret/"} <= set(paths)
