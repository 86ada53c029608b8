"""API keys: the stored form, verification in SQL and in Python, the create_api_key command, and
keys kept out of the logs."""

import io
import logging
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.keys import SCOPES, SELECT_BY_PUBLIC_ID, VERIFY_COLUMNS, api_key_verify, parse_key
from accounts.models import ApiKey
from tests.db import sql as _sql

from .factories import bearer, issue_key, key_header, secret_of, tampered

pytestmark = [pytest.mark.django_db, pytest.mark.pgbouncer]

KEYS_URLS = pytest.mark.urls("tests.accounts.urls_keys")


def _verify_sql(raw) -> list[tuple]:
    return _sql("SELECT id, user_identifier, scopes, rate_limit FROM verify_api_key(%s)", [raw])


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
        for secret_text in (full_key, secret_of(full_key), secret_of(full_key).encode().hex()):
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
        "wrong secret": tampered(full_key),
        "unknown public id": f"aigo_{'f' * 16}_{secret_of(full_key)}",
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


# Logs


@KEYS_URLS
def test_the_full_key_never_reaches_the_logs(client, caplog):
    caplog.set_level(logging.DEBUG)
    key, full_key = issue_key(scopes=["read:catalog"])
    cli_key = _create("--name", "cli", "--scopes", "read:catalog")[-1]
    for raw in (full_key, cli_key, tampered(full_key), full_key.upper(), full_key + "x", "x" + full_key):
        api_key_verify(raw)
        _verify_sql(raw)
        client.get("/probes", **bearer(raw))
        client.post("/probes", {}, content_type="application/json", **key_header(raw))
    ApiKey.objects.filter(pk=key.pk).update(is_active=False)
    client.get("/probes", **bearer(full_key))
    logged = caplog.text + " ".join(str(record.args) for record in caplog.records)
    assert key.public_id in logged  # rejections name the key by its public id...
    for secret_text in (full_key, secret_of(full_key), cli_key, secret_of(cli_key)):
        assert secret_text not in logged  # ...never by the key itself
        assert secret_text.upper() not in logged
