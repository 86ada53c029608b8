"""API keys in the admin: shown once, never again; scopes and expiry checked; actions and filters."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from accounts.keys import api_key_verify
from accounts.models import ApiKey
from tests.db import sql as _sql

from .factories import issue_key, secret_of

pytestmark = [pytest.mark.django_db, pytest.mark.pgbouncer]

KEYS_URLS = pytest.mark.urls("tests.accounts.urls_keys")


def _verify_sql(raw) -> list[tuple]:
    return _sql("SELECT id, user_identifier, scopes, rate_limit FROM verify_api_key(%s)", [raw])


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
        assert secret_of(full_key) not in page, url
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
