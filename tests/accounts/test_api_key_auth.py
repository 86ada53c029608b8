"""API keys through DRF: authentication, scopes and GET /me/key."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import ApiKey
from tests.db import sql as _sql

from .factories import bearer, issue_key, key_header, secret_of, tampered

pytestmark = [pytest.mark.django_db, pytest.mark.pgbouncer]

KEYS_URLS = pytest.mark.urls("tests.accounts.urls_keys")


def _verify_sql(raw) -> list[tuple]:
    return _sql("SELECT id, user_identifier, scopes, rate_limit FROM verify_api_key(%s)", [raw])


# DRF: authentication and scopes


def _assert_401(response, code: str, invalid_token: bool):
    assert response.status_code == 401, response.content
    assert response.json()["error"]["code"] == code
    expected = 'Bearer realm="api", error="invalid_token"' if invalid_token else 'Bearer realm="api"'
    assert response["WWW-Authenticate"] == expected


@KEYS_URLS
@pytest.mark.parametrize("send", [bearer, key_header], ids=["bearer", "x-api-key"])
def test_a_key_in_either_header_authenticates(client, send):
    key, full_key = issue_key(scopes=["write:status"])
    assert client.get("/probes", **send(full_key)).json() == {"key": key.public_id}
    assert client.post("/probes", {}, content_type="application/json", **send(full_key)).status_code == 201


@KEYS_URLS
def test_the_bearer_scheme_is_case_insensitive(client):
    key, full_key = issue_key(scopes=["write:status"])
    assert client.get("/probes", HTTP_AUTHORIZATION=f"bearer {full_key}").json() == {"key": key.public_id}


@KEYS_URLS
def test_reads_stay_open_to_anonymous_clients(client):
    assert client.get("/probes").json() == {"key": None}


@KEYS_URLS
def test_a_write_without_a_key_is_401_with_a_bearer_challenge(client):
    response = client.post("/probes", {}, content_type="application/json")
    _assert_401(response, "not_authenticated", invalid_token=False)
    assert response.json()["error"]["details"] == {"required_scope": "write:status"}


@KEYS_URLS
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("case", ["wrong secret", "unknown", "expired", "inactive", "deleted"])
def test_a_bad_key_is_401_even_on_a_public_read(client, method, case):
    key, full_key = issue_key(scopes=["write:status"])
    if case == "wrong secret":
        full_key = tampered(full_key)
    elif case == "unknown":
        full_key = f"aigo_{'e' * 16}_{secret_of(full_key)}"
    elif case == "expired":
        ApiKey.objects.filter(pk=key.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    elif case == "inactive":
        ApiKey.objects.filter(pk=key.pk).update(is_active=False)
    elif case == "deleted":
        key.delete()
    response = getattr(client, method)("/probes", **bearer(full_key), content_type="application/json")
    _assert_401(response, "invalid_api_key", invalid_token=True)


@KEYS_URLS
@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_AUTHORIZATION": "Bearer"},
        {"HTTP_AUTHORIZATION": "Bearer "},
        {"HTTP_AUTHORIZATION": "Bearer aigo_0123456789abcdef_" + "g" * 64},
        {"HTTP_AUTHORIZATION": "Bearer aigo_0123456789abcdef_" + "a" * 60 + "%2B/="},
        {"HTTP_AUTHORIZATION": "Bearer " + "a" * 300},
        {"HTTP_X_API_KEY": ""},
        {"HTTP_X_API_KEY": "key_0123456789abcdef_" + "a" * 64},
        {"HTTP_X_API_KEY": "x" * 201},
    ],
    ids=["bearer-only", "bearer-empty", "non-hex", "non-url-safe", "over-long-bearer", "empty", "prefix", "long"],
)
def test_malformed_and_over_long_keys_are_401_without_a_query(client, headers, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/probes", **headers)
    _assert_401(response, "invalid_api_key", invalid_token=True)


@KEYS_URLS
def test_a_valid_key_padded_past_the_header_limit_is_refused(client):
    _key, full_key = issue_key()
    _assert_401(client.get("/probes", HTTP_X_API_KEY=full_key + " " * 150), "invalid_api_key", invalid_token=True)
    assert client.get("/probes", HTTP_X_API_KEY=f"  {full_key} ").status_code == 200


@KEYS_URLS
def test_two_different_keys_are_refused(client):
    _a, first = issue_key(name="a")
    _b, second = issue_key(name="b")
    response = client.get("/probes", HTTP_X_API_KEY=first, HTTP_AUTHORIZATION=f"Bearer {second}")
    _assert_401(response, "invalid_api_key", invalid_token=True)
    assert client.get("/probes", HTTP_X_API_KEY=first, HTTP_AUTHORIZATION=f"Bearer {first}").status_code == 200


@KEYS_URLS
def test_other_authorization_schemes_are_not_taken_for_keys(client):
    assert client.get("/probes", HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz").json() == {"key": None}
    response = client.post("/probes", {}, content_type="application/json", HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz")
    _assert_401(response, "not_authenticated", invalid_token=False)


@KEYS_URLS
def test_a_key_without_the_scope_is_403_naming_it(client):
    _key, full_key = issue_key(scopes=["read:catalog", "read:status"])
    response = client.post("/probes", {}, content_type="application/json", **bearer(full_key))
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "insufficient_scope"
    assert "write:status" in error["message"]
    assert error["details"] == {"missing_scope": "write:status"}
    assert response["WWW-Authenticate"] == 'Bearer realm="api", error="insufficient_scope", scope="write:status"'


@KEYS_URLS
def test_scopes_cannot_be_escalated_from_the_request(client):
    _key, full_key = issue_key(scopes=["read:catalog"])
    attempts = [
        ("/probes?scope=write:status&scopes=write:status", {}, {}),
        ("/probes", {"scopes": ["write:status"], "scope": "write:status"}, {}),
        ("/probes", {}, {"HTTP_X_SCOPES": "write:status", "HTTP_X_API_SCOPES": "write:status"}),
        ("/probes", {}, {"HTTP_AUTHORIZATION": f'Bearer {full_key}, scope="write:status"'}),
        ("/catalog", {}, {"HTTP_X_API_KEY_SCOPES": "write:catalog"}),
    ]
    for url, body, headers in attempts:
        headers = {"HTTP_X_API_KEY": full_key, **headers}
        response = client.post(url, body, content_type="application/json", **headers)
        assert response.status_code in (401, 403), (url, body, headers)
        assert response.status_code == 401 or response.json()["error"]["code"] == "insufficient_scope"
    assert ApiKey.objects.get().scopes == ["read:catalog"]


@KEYS_URLS
def test_an_endpoint_can_require_a_scope_for_reads_too(client):
    _plain, plain_key = issue_key(scopes=["read:catalog"])
    _analyst, analyst_key = issue_key(scopes=["read:analytics"])
    _assert_401(client.get("/analytics"), "not_authenticated", invalid_token=False)
    assert client.get("/analytics", **key_header(plain_key)).status_code == 403
    assert client.get("/analytics", **key_header(analyst_key)).status_code == 200


def test_require_scope_refuses_an_unknown_scope():
    from accounts.permissions import RequireScope

    with pytest.raises(ValueError, match="Unknown scope 'write:everything'"):
        RequireScope("write:everything")
    assert RequireScope("write:status") is RequireScope("write:status")


# GET /me/key


@KEYS_URLS
def test_me_key_describes_the_presenting_key(client):
    key, full_key = issue_key(name="dash", scopes=["read:status"], rate_limit=77, expires_in=timedelta(days=30))
    response = client.get("/me/key", **bearer(full_key))
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "dash" and body["public_id"] == key.public_id
    assert body["scopes"] == ["read:status"] and body["rate_limit"] == 77
    assert body["expires_at"] is not None and body["last_used_at"] is not None and body["rotated_at"] is None
    assert secret_of(full_key) not in response.content.decode() and key.key_hash not in response.content.decode()
    assert "no-store" in response["Cache-Control"]


@KEYS_URLS
def test_me_key_without_a_key_is_401(client):
    _assert_401(client.get("/me/key"), "not_authenticated", invalid_token=False)
