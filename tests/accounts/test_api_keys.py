"""API keys: the stored form, verification in SQL and Python, the command, DRF auth and scopes, the admin."""

import io
import logging
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.keys import SCOPES, SELECT_BY_PUBLIC_ID, VERIFY_COLUMNS, api_key_verify, parse_key
from accounts.models import ApiKey
from tests.db import sql as _sql

from .factories import issue_key

pytestmark = [pytest.mark.django_db, pytest.mark.pgbouncer]

KEYS_URLS = pytest.mark.urls("tests.accounts.urls_keys")


def _verify_sql(raw) -> list[tuple]:
    return _sql("SELECT id, user_identifier, scopes, rate_limit FROM verify_api_key(%s)", [raw])


def _secret(full_key: str) -> str:
    return full_key.rsplit("_", 1)[1]


def _tampered(full_key: str) -> str:
    head, secret = full_key.rsplit("_", 1)
    return f"{head}_{'0' if secret[0] != '0' else '1'}{secret[1:]}"


# The stored form


def test_a_key_is_prefix_public_id_and_256_bit_secret():
    key, full_key = issue_key()
    prefix, public_id, secret = full_key.split("_")
    assert prefix == "aigo" and public_id == key.public_id
    assert len(public_id) == 16 and len(secret) == 64 and set(public_id + secret) <= set("0123456789abcdef")
    assert parse_key(full_key) == (public_id, secret)


def test_the_table_never_holds_a_key_or_its_secret():
    keys = [issue_key(name=f"key {n}") for n in range(3)]
    _sql("UPDATE api_keys SET created_at = now() - interval '100 days'")
    call_command("create_api_key", "--name", "cli", "--scopes", "read:status", stdout=io.StringIO())
    from accounts.tasks import rotate_api_keys

    rotate_api_keys.apply()  # successors with an encrypted one-time key
    text_columns = [
        name
        for (name,) in _sql(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'api_keys'"
            " AND data_type IN ('text', 'character varying', 'ARRAY', 'bytea')"
        )
    ]
    assert {"public_id", "key_hash", "name", "scopes", "one_time_key"} <= set(text_columns)
    rows = " ".join(text for (text,) in _sql("SELECT t::text FROM api_keys t"))
    assert "\\x" in rows  # the encrypted one-time keys are there, as bytes
    for _key, full_key in keys:
        for secret_text in (full_key, _secret(full_key), _secret(full_key).encode().hex()):
            assert secret_text not in rows


def test_the_database_refuses_malformed_rows():
    good = {"public_id": "0123456789abcdef", "key_hash": "a" * 64, "scopes": ["read:catalog"], "rate_limit": 10}
    for column, bad in [
        ("public_id", "NOT-HEX-PUBLIC-ID"),
        ("key_hash", "$2b$12$bcrypt"),
        ("scopes", ["admin:everything"]),
        ("rate_limit", 0),
    ]:
        row = {**good, column: bad}
        with pytest.raises(IntegrityError), transaction.atomic():
            _sql(
                "INSERT INTO api_keys (name, public_id, key_hash, scopes, rate_limit)"
                " VALUES ('x', %(public_id)s, %(key_hash)s, %(scopes)s, %(rate_limit)s)",
                row,
            )


# verify_api_key() in SQL


def test_verify_api_key_in_sql_returns_the_row_of_a_good_key():
    key, full_key = issue_key(scopes=["write:status"], rate_limit=50, user_identifier="probes")
    assert _verify_sql(full_key) == [(key.id, "probes", ["write:status"], 50)]


@pytest.mark.parametrize(
    "case",
    ["wrong secret", "unknown public id", "inactive", "expired", "deleted", "malformed", "empty", "null"],
)
def test_verify_api_key_in_sql_refuses(case):
    key, full_key = issue_key()
    raw = {
        "wrong secret": _tampered(full_key),
        "unknown public id": f"aigo_{'f' * 16}_{_secret(full_key)}",
        "malformed": full_key.upper(),
        "empty": "",
        "null": None,
    }.get(case, full_key)
    if case == "inactive":
        _sql("UPDATE api_keys SET is_active = false WHERE id = %s", [key.id])
    elif case == "expired":
        _sql("UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = %s", [key.id])
    elif case == "deleted":
        key.delete()
    assert _verify_sql(raw) == []
    assert _sql("SELECT count(*) FROM api_keys WHERE last_used_at IS NOT NULL") == [(0,)]


def test_verify_api_key_in_sql_writes_last_used_at_at_most_once_a_minute():
    key, full_key = issue_key()

    def last_used_age() -> timedelta:
        return _sql("SELECT now() - last_used_at FROM api_keys WHERE id = %s", [key.id])[0][0]

    _verify_sql(full_key)
    assert last_used_age() == timedelta(0)  # written: now() is the transaction's time
    _sql("UPDATE api_keys SET last_used_at = now() - interval '59 seconds' WHERE id = %s", [key.id])
    _verify_sql(full_key)
    assert last_used_age() == timedelta(seconds=59)  # used within the minute: not written again
    _sql("UPDATE api_keys SET last_used_at = now() - interval '61 seconds' WHERE id = %s", [key.id])
    _verify_sql(full_key)
    assert last_used_age() == timedelta(0)


# The same check in Python


def test_api_key_verify_is_one_indexed_query_once_last_used_at_is_fresh(django_assert_num_queries):
    key, full_key = issue_key()
    with django_assert_num_queries(2):  # the lookup, and last_used_at (first use)
        assert api_key_verify(full_key) == key
    with django_assert_num_queries(1):
        verified = api_key_verify(full_key)
    assert verified.public_id == key.public_id and verified.scopes == key.scopes and verified.rate_limit == 1000
    assert _sql("SELECT indexdef FROM pg_indexes WHERE indexname = 'idx_api_keys_public_id'")[0][0].startswith(
        "CREATE UNIQUE INDEX"
    )


def test_verification_reads_every_column_but_the_encrypted_key():
    assert set(VERIFY_COLUMNS) == {field.attname for field in ApiKey._meta.concrete_fields} - {"one_time_key"}
    assert ", ".join(VERIFY_COLUMNS) in " ".join(SELECT_BY_PUBLIC_ID.split())


def test_api_key_verify_writes_last_used_at_at_most_once_a_minute():
    key, full_key = issue_key()
    api_key_verify(full_key)
    first = ApiKey.objects.get(pk=key.pk).last_used_at
    assert first is not None
    api_key_verify(full_key)
    assert ApiKey.objects.get(pk=key.pk).last_used_at == first
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now() - timedelta(seconds=61))
    api_key_verify(full_key)
    assert ApiKey.objects.get(pk=key.pk).last_used_at > first


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "aigo_",
        "aigo__",
        "AIGO_0123456789abcdef_" + "a" * 64,
        "aigo-0123456789abcdef-" + "a" * 64,
        "sk_0123456789abcdef_" + "a" * 64,
        "aigo_0123456789abcdef_" + "a" * 63,
        "aigo_0123456789abcdef_" + "a" * 65,
        "aigo_0123456789abcde_a" + "a" * 64,
        "aigo_0123456789abcdef_" + "A" * 64,
        "aigo_0123456789abcdef_" + "a" * 63 + "+",
        "aigo_0123456789abcdef_" + "a" * 63 + "\n",
        "aigo_0123456789abcdéf_" + "a" * 64,
        "x" * 10_000,
    ],
)
def test_malformed_keys_are_refused_without_a_query(raw, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert api_key_verify(raw) is None
    assert _verify_sql(raw) == []


def test_python_and_sql_agree_on_expired_inactive_and_good_keys():
    good, good_key = issue_key(name="good")
    expired, expired_key = issue_key(name="expired", expires_in=timedelta(days=1))
    inactive, inactive_key = issue_key(name="inactive")
    ApiKey.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))
    ApiKey.objects.filter(pk=inactive.pk).update(is_active=False)
    assert api_key_verify(good_key) == good and len(_verify_sql(good_key)) == 1
    for raw in (expired_key, inactive_key):
        assert api_key_verify(raw) is None and _verify_sql(raw) == []


# create_api_key


def _create(*args: str) -> list[str]:
    out = io.StringIO()
    call_command("create_api_key", *args, stdout=out)
    return out.getvalue().splitlines()


def test_create_api_key_prints_the_key_as_its_last_line():
    lines = _create("--name", "probe eu-west", "--scopes", "read:catalog,write:status", "--expires-in", "90d")
    key = api_key_verify(lines[-1])
    assert key is not None and key.name == "probe eu-west"
    assert key.scopes == ["read:catalog", "write:status"]
    assert abs(key.expires_at - (timezone.now() + timedelta(days=90))) < timedelta(minutes=1)
    assert key.public_id in lines[0] and lines[-1] not in "\n".join(lines[:-1])


def test_create_api_key_without_expiry_and_with_a_rate_limit():
    lines = _create("--name", "n", "--scopes", " read:status , read:status", "--rate-limit", "50", "--user", "team-a")
    key = api_key_verify(lines[-1])
    assert key.expires_at is None and key.rate_limit == 50 and key.user_identifier == "team-a"
    assert key.scopes == ["read:status"]


def test_create_api_key_refuses_unknown_scopes_and_names_the_known_ones():
    with pytest.raises(CommandError, match="Unknown scope 'admin'. Known scopes: read:catalog, .*write:status"):
        _create("--name", "n", "--scopes", "read:catalog,admin")
    with pytest.raises(CommandError, match="at least one scope"):
        _create("--name", "n", "--scopes", ",")
    assert not ApiKey.objects.exists()


@pytest.mark.parametrize("bad", ["90", "0d", "-1d", "90x", "d", "1.5d", "forever", "999999d"])
def test_create_api_key_refuses_a_bad_expires_in(bad):
    with pytest.raises(CommandError, match="--expires-in: expected .* 90d"):
        _create("--name", "n", "--scopes", "read:catalog", f"--expires-in={bad}")
    assert not ApiKey.objects.exists()


def test_create_api_key_refuses_a_bad_rate_limit():
    with pytest.raises(CommandError, match="positive number of requests per hour"):
        _create("--name", "n", "--scopes", "read:catalog", "--rate-limit", "0")


def test_scopes_are_a_module_constant():
    assert {"read:catalog", "read:status", "write:status", "read:analytics", "write:catalog"} <= set(SCOPES)


# DRF: authentication and scopes


def _bearer(full_key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {full_key}"}


def _header(full_key: str) -> dict:
    return {"HTTP_X_API_KEY": full_key}


def _assert_401(response, code: str, invalid_token: bool):
    assert response.status_code == 401, response.content
    assert response.json()["error"]["code"] == code
    expected = 'Bearer realm="api", error="invalid_token"' if invalid_token else 'Bearer realm="api"'
    assert response["WWW-Authenticate"] == expected


@KEYS_URLS
@pytest.mark.parametrize("send", [_bearer, _header], ids=["bearer", "x-api-key"])
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
        full_key = _tampered(full_key)
    elif case == "unknown":
        full_key = f"aigo_{'e' * 16}_{_secret(full_key)}"
    elif case == "expired":
        ApiKey.objects.filter(pk=key.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    elif case == "inactive":
        ApiKey.objects.filter(pk=key.pk).update(is_active=False)
    elif case == "deleted":
        key.delete()
    response = getattr(client, method)("/probes", **_bearer(full_key), content_type="application/json")
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
    response = client.post("/probes", {}, content_type="application/json", **_bearer(full_key))
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
    assert client.get("/analytics", **_header(plain_key)).status_code == 403
    assert client.get("/analytics", **_header(analyst_key)).status_code == 200


def test_require_scope_refuses_an_unknown_scope():
    from accounts.permissions import RequireScope

    with pytest.raises(ValueError, match="Unknown scope 'write:everything'"):
        RequireScope("write:everything")
    assert RequireScope("write:status") is RequireScope("write:status")


# GET /me/key


@KEYS_URLS
def test_me_key_describes_the_presenting_key(client):
    key, full_key = issue_key(name="dash", scopes=["read:status"], rate_limit=77, expires_in=timedelta(days=30))
    response = client.get("/me/key", **_bearer(full_key))
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "dash" and body["public_id"] == key.public_id
    assert body["scopes"] == ["read:status"] and body["rate_limit"] == 77
    assert body["expires_at"] is not None and body["last_used_at"] is not None and body["rotated_at"] is None
    assert _secret(full_key) not in response.content.decode() and key.key_hash not in response.content.decode()
    assert "no-store" in response["Cache-Control"]


@KEYS_URLS
def test_me_key_without_a_key_is_401(client):
    _assert_401(client.get("/me/key"), "not_authenticated", invalid_token=False)


# Logs


@KEYS_URLS
def test_the_full_key_never_reaches_the_logs(client, caplog):
    caplog.set_level(logging.DEBUG)
    key, full_key = issue_key(scopes=["read:catalog"])
    cli_key = _create("--name", "cli", "--scopes", "read:catalog")[-1]
    for raw in (full_key, cli_key, _tampered(full_key), full_key.upper(), full_key + "x", "x" + full_key):
        api_key_verify(raw)
        _verify_sql(raw)
        client.get("/probes", **_bearer(raw))
        client.post("/probes", {}, content_type="application/json", **_header(raw))
    ApiKey.objects.filter(pk=key.pk).update(is_active=False)
    client.get("/probes", **_bearer(full_key))
    logged = caplog.text + " ".join(str(record.args) for record in caplog.records)
    assert key.public_id in logged  # rejections name the key by its public id...
    for secret_text in (full_key, _secret(full_key), cli_key, _secret(cli_key)):
        assert secret_text not in logged  # ...never by the key itself
        assert secret_text.upper() not in logged


# Admin


@pytest.fixture
def superuser_client(client):
    client.force_login(User.objects.create_superuser("boss", password="pw"))
    return client


def _admin_url(view: str, *args) -> str:
    return reverse(f"admin:accounts_apikey_{view}", args=args)


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_admin_add_shows_the_key_once_then_never_again(superuser_client):
    add_page = superuser_client.get(_admin_url("add")).content.decode()
    assert 'type="checkbox" name="scopes" value="write:status"' in add_page and "key_hash" not in add_page
    response = superuser_client.post(
        _admin_url("add"),
        {"name": "partner", "scopes": ["read:catalog", "write:status"], "rate_limit": "500", "user_identifier": ""},
        follow=True,
    )
    assert response.status_code == 200
    shown = [text for text in _messages(response) if text.startswith("Copy this key now: aigo_")]
    assert len(shown) == 1
    full_key = shown[0].removeprefix("Copy this key now: ").split(" ")[0]
    key = api_key_verify(full_key)
    assert key is not None and key.name == "partner" and key.rate_limit == 500
    assert key.scopes == ["read:catalog", "write:status"]
    assert full_key in response.content.decode()  # on the page it redirected to, once

    for url in (_admin_url("changelist"), _admin_url("change", key.pk), _admin_url("history", key.pk)):
        page = superuser_client.get(url).content.decode()
        assert _secret(full_key) not in page, url
    change_page = superuser_client.get(_admin_url("change", key.pk)).content.decode()
    assert key.public_id in change_page and key.key_hash in change_page  # read-only


def test_admin_add_refuses_unknown_scopes_and_past_expiry(superuser_client):
    response = superuser_client.post(_admin_url("add"), {"name": "x", "scopes": ["root"], "rate_limit": "10"})
    assert response.status_code == 200 and "root is not one of the available choices" in response.content.decode()
    past = timezone.now() - timedelta(days=1)
    response = superuser_client.post(
        _admin_url("add"),
        {
            "name": "x",
            "scopes": ["read:catalog"],
            "rate_limit": "10",
            "expires_at_0": past.date().isoformat(),
            "expires_at_1": "00:00:00",
        },
    )
    assert response.status_code == 200 and "must expire in the future" in response.content.decode()
    assert not ApiKey.objects.exists()


def test_admin_change_page_keeps_the_key_material_read_only(superuser_client):
    key, full_key = issue_key()
    form = superuser_client.get(_admin_url("change", key.pk)).context["adminform"].form
    assert set(form.fields) == {"name", "user_identifier", "scopes", "rate_limit", "expires_at", "is_active"}
    response = superuser_client.post(
        _admin_url("change", key.pk),
        {
            "name": "renamed",
            "scopes": ["read:catalog"],
            "rate_limit": "5",
            "is_active": "on",
            "public_id": "ffffffffffffffff",
            "key_hash": "0" * 64,
        },
    )
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.name == "renamed" and key.scopes == ["read:catalog"] and key.public_id != "ffffffffffffffff"
    assert api_key_verify(full_key) == key


def test_admin_deactivate_action(superuser_client):
    keys = [issue_key(name=f"k{n}") for n in range(3)]
    response = superuser_client.post(
        _admin_url("changelist"),
        {"action": "deactivate", "_selected_action": [str(keys[0][0].pk), str(keys[1][0].pk)]},
        follow=True,
    )
    assert "Deactivated 2 keys." in _messages(response)
    assert [api_key_verify(full_key) is not None for _key, full_key in keys] == [False, False, True]


def test_admin_list_searches_and_filters(superuser_client):
    key, _full = issue_key(name="findme", scopes=["read:analytics"])
    issue_key(name="other", scopes=["read:catalog"])
    for query in ({"q": "findme"}, {"q": key.public_id}, {"scopes": "read:analytics"}):
        result = list(superuser_client.get(_admin_url("changelist"), query).context["cl"].result_list)
        assert result == [key], query
    assert superuser_client.get(_admin_url("changelist"), {"is_active__exact": "0"}).context["cl"].result_count == 0
