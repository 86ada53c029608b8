"""The API reads the bodies its schema documents: a JSON view given another Content-Type answers 415
in the error shape (the schema's 415) whatever the body holds, never a 500 from the request log."""

import json

import pytest

from accounts.keys import api_key_issue

pytestmark = pytest.mark.django_db


def _post(client, content_type: str):
    _key, raw = api_key_issue(name="hooks", scopes=["write:webhooks"])
    body = json.dumps({"url": "https://example.com/hook"})
    return client.generic(
        "POST", "/api/v1/webhooks/", body, content_type=content_type, HTTP_AUTHORIZATION=f"Bearer {raw}"
    )


@pytest.mark.parametrize(
    "content_type", ["multipart/form-data; boundary=frontier", "text/html", "application/x-www-form-urlencoded"]
)
def test_a_json_body_sent_as_another_type_is_refused_with_415(client, content_type):
    response = _post(client, content_type)
    assert response.status_code == 415, response.content
    assert response.json()["error"]["code"] == "unsupported_media_type"


def test_a_multipart_type_without_its_boundary_is_a_400(client):
    response = _post(client, "multipart/form-data")
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert set(response.json()["error"]) == {"code", "message", "details"}


def test_a_json_body_sent_as_json_is_read(client):
    _key, raw = api_key_issue(name="hooks", scopes=["write:webhooks"])
    response = client.post(
        "/api/v1/webhooks/",
        {"url": "ftp://example.com"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 400 and "url" in response.json()["error"]["details"]["fields"]
