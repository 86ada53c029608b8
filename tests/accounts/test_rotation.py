"""Key rotation by beat: successors, grace period, expiry, idempotence, one-time display in the admin.

Time travel is done in the database (created_at, expires_at), never by sleeping.
"""

import io
import threading
from datetime import timedelta

import psycopg
import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.keys import RevealFailed, api_key_reveal, api_key_verify, api_keys_due_for_rotation, api_keys_rotate
from accounts.models import ApiKey
from accounts.tasks import rotate_api_keys
from aigo.schedule import SCHEDULE

from .factories import issue_key

pytestmark = pytest.mark.django_db


def _age(key: ApiKey, days: int) -> None:
    ApiKey.objects.filter(pk=key.pk).update(created_at=timezone.now() - timedelta(days=days))


def _expire(key: ApiKey) -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = %s", [key.pk])


def _verify_sql(raw: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM verify_api_key(%s)", [raw])
        return cursor.fetchone() is not None


def test_rotation_issues_a_successor_and_keeps_the_old_key_valid_for_the_grace_period():
    old, old_key = issue_key(name="probe", scopes=["write:status"], rate_limit=60, user_identifier="probes")
    _age(old, 91)

    assert rotate_api_keys.apply().get() == {"rotated": 1, "deactivated": 0}

    old.refresh_from_db()
    successor = old.replaced_by
    assert (successor.name, successor.scopes, successor.rate_limit, successor.user_identifier) == (
        "probe",
        ["write:status"],
        60,
        "probes",
    )
    assert successor.replaces == old and successor.is_active and successor.expires_at is None
    assert successor.public_id != old.public_id and successor.one_time_key is not None
    assert abs(old.expires_at - (old.rotated_at + timedelta(days=7))) < timedelta(seconds=1)
    assert old.is_active
    # During the grace period the old key still works, in Python and in SQL.
    assert api_key_verify(old_key) == old and _verify_sql(old_key)


def test_after_the_grace_period_the_old_key_stops_working_and_is_deactivated():
    old, old_key = issue_key()
    _age(old, 91)
    api_keys_rotate()
    successor = ApiKey.objects.get(replaces=old)
    full_successor_key = api_key_reveal(key_id=successor.pk)

    _expire(old)  # the grace period is over
    assert api_key_verify(old_key) is None and not _verify_sql(old_key)
    assert api_key_verify(full_successor_key) == successor and _verify_sql(full_successor_key)

    assert api_keys_rotate() == {"rotated": 0, "deactivated": 1}
    old.refresh_from_db()
    assert not old.is_active


def test_rotating_twice_in_a_day_does_nothing_more():
    for n in range(3):
        key, _full = issue_key(name=f"k{n}")
        _age(key, 100)
    assert api_keys_rotate()["rotated"] == 3
    assert ApiKey.objects.count() == 6
    assert api_keys_rotate() == {"rotated": 0, "deactivated": 0}
    assert rotate_api_keys.apply().get() == {"rotated": 0, "deactivated": 0}
    assert ApiKey.objects.count() == 6


def test_a_key_that_has_had_a_successor_is_never_rotated_again():
    old, _full = issue_key()
    _age(old, 91)
    api_keys_rotate()
    ApiKey.objects.filter(replaces=old).delete()  # even if an admin deletes the successor
    old.refresh_from_db()
    assert old.replaced_by is None and old.rotated_at is not None
    assert api_keys_rotate()["rotated"] == 0


def test_only_keys_older_than_the_configured_age_are_rotated(settings):
    young, _ = issue_key(name="young")
    _age(young, 89)
    old, _ = issue_key(name="old")
    _age(old, 90)
    assert api_keys_rotate()["rotated"] == 1
    assert ApiKey.objects.filter(name="old").count() == 2 and ApiKey.objects.filter(name="young").count() == 1

    settings.AIGO_API_KEY_ROTATE_AFTER_DAYS = 30
    settings.AIGO_API_KEY_ROTATION_GRACE_DAYS = 2
    assert api_keys_rotate()["rotated"] == 1
    young.refresh_from_db()
    assert abs(young.expires_at - (young.rotated_at + timedelta(days=2))) < timedelta(seconds=1)


def test_a_key_that_expires_within_the_grace_period_is_left_to_expire():
    soon, _ = issue_key(name="soon", expires_in=timedelta(days=3))
    later, _ = issue_key(name="later", expires_in=timedelta(days=300))
    _age(soon, 120)
    _age(later, 120)
    assert api_keys_rotate()["rotated"] == 1
    soon.refresh_from_db()
    assert soon.replaced_by is None and soon.rotated_at is None
    # The successor keeps the end of life its owner chose.
    assert ApiKey.objects.get(pk=later.pk).replaced_by.expires_at == later.expires_at


def test_expired_keys_are_deactivated_and_inactive_keys_not_rotated():
    expired, _ = issue_key(name="expired", expires_in=timedelta(days=1))
    _expire(expired)
    revoked, _ = issue_key(name="revoked")
    _age(revoked, 200)
    ApiKey.objects.filter(pk=revoked.pk).update(is_active=False)
    assert api_keys_rotate() == {"rotated": 0, "deactivated": 1}
    assert not ApiKey.objects.get(pk=expired.pk).is_active


def test_the_task_runs_as_a_scheduled_periodic_task(monkeypatch):
    old, _ = issue_key()
    _age(old, 91)
    monkeypatch.setitem(SCHEDULE, "rotate-api-keys", {"task": "accounts.tasks.rotate_api_keys", "schedule": 86400})
    out = io.StringIO()
    call_command("periodic", "run", "rotate-api-keys", stdout=out)
    assert out.getvalue().startswith("rotate-api-keys: success")
    assert ApiKey.objects.count() == 2


def test_the_successor_key_is_stored_only_encrypted_and_revealed_once():
    old, _ = issue_key()
    _age(old, 91)
    api_keys_rotate()
    successor = ApiKey.objects.get(replaces=old)
    encrypted = bytes(successor.one_time_key)
    assert not encrypted.startswith(b"aigo_") and b"aigo_" not in encrypted

    full_key = api_key_reveal(key_id=successor.pk)
    assert full_key.startswith(f"aigo_{successor.public_id}_")
    assert api_key_verify(full_key) == successor
    assert ApiKey.objects.get(pk=successor.pk).one_time_key is None
    assert api_key_reveal(key_id=successor.pk) is None  # once
    assert api_key_reveal(key_id=old.pk) is None  # issued keys have nothing to reveal


def test_a_successor_made_before_a_secret_key_change_is_revealed_with_the_fallback(settings):
    old, _ = issue_key()
    _age(old, 91)
    api_keys_rotate()
    successor = ApiKey.objects.get(replaces=old)
    previous = settings.SECRET_KEY

    settings.SECRET_KEY = "a brand new secret key " * 3
    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(RevealFailed):
        api_key_reveal(key_id=successor.pk)
    assert ApiKey.objects.get(pk=successor.pk).one_time_key is not None  # not wiped: nothing was shown

    settings.SECRET_KEY_FALLBACKS = [previous]
    assert api_key_verify(api_key_reveal(key_id=successor.pk)) == successor


def test_a_key_locked_by_a_concurrent_run_is_skipped_not_waited_for():
    """Another run (another connection) holds a due key: this run skips it instead of waiting or
    rotating it a second time."""
    db = connection.settings_dict
    params = {"dbname": db["NAME"], "user": db["USER"], "host": db["HOST"], "port": db["PORT"], "autocommit": True}
    locked, release, key_ids = threading.Event(), threading.Event(), []

    def other_run():
        with psycopg.connect(**params) as other:
            row = other.execute(
                "INSERT INTO api_keys (name, public_id, key_hash, scopes, created_at)"
                " VALUES ('held', encode(gen_random_bytes(8), 'hex'), repeat('a', 64), '{read:catalog}',"
                " now() - interval '91 days') RETURNING id"
            ).fetchone()
            key_ids.append(row[0])
            try:
                with other.transaction():
                    other.execute("SELECT 1 FROM api_keys WHERE id = %s FOR UPDATE", row)
                    locked.set()
                    release.wait(10)
            finally:
                other.execute("DELETE FROM api_keys WHERE id = %s", row)

    thread = threading.Thread(target=other_run)
    thread.start()
    try:
        assert locked.wait(10)
        assert api_keys_due_for_rotation(timezone.now()).filter(pk=key_ids[0]).exists()  # due, but held
        assert api_keys_rotate()["rotated"] == 0
        assert not ApiKey.objects.filter(name="held").exclude(pk=key_ids[0]).exists()
    finally:
        release.set()
        thread.join()


# The admin's one-time display


@pytest.fixture
def superuser_client(client):
    client.force_login(User.objects.create_superuser("boss", password="pw"))
    return client


def test_the_admin_shows_a_rotated_in_key_once_on_its_change_page(superuser_client):
    old, _ = issue_key(name="partner")
    _age(old, 91)
    api_keys_rotate()
    successor = ApiKey.objects.get(replaces=old)
    change_url = reverse("admin:accounts_apikey_change", args=[successor.pk])
    reveal_url = reverse("admin:accounts_apikey_reveal", args=[successor.pk])

    change_page = superuser_client.get(change_url).content.decode()
    assert reveal_url in change_page and "Show the new key once" in change_page
    waiting = superuser_client.get(reverse("admin:accounts_apikey_changelist"), {"awaiting_reveal": "yes"})
    assert list(waiting.context["cl"].result_list) == [successor]
    confirm = superuser_client.get(reveal_url)  # GET explains, changes nothing
    assert confirm.status_code == 200 and b"Show the new key once" in confirm.content
    assert ApiKey.objects.get(pk=successor.pk).one_time_key is not None

    response = superuser_client.post(reveal_url, follow=True)
    shown = [str(m) for m in get_messages(response.wsgi_request) if str(m).startswith("Copy this key now: ")]
    assert len(shown) == 1
    full_key = shown[0].removeprefix("Copy this key now: ").split(" ")[0]
    assert api_key_verify(full_key) == successor

    again = superuser_client.post(reveal_url, follow=True)
    assert "There is no key to show" in again.content.decode()
    for url in (change_url, reverse("admin:accounts_apikey_changelist"), reveal_url):
        page = superuser_client.get(url).content.decode()
        assert full_key not in page and full_key.rsplit("_", 1)[1] not in page
    assert reveal_url not in superuser_client.get(change_url).content.decode()


def test_the_reveal_page_needs_change_permission(client):
    old, _ = issue_key()
    _age(old, 91)
    api_keys_rotate()
    successor = ApiKey.objects.get(replaces=old)
    client.force_login(User.objects.create_user("staff", password="pw", is_staff=True))
    response = client.post(reverse("admin:accounts_apikey_reveal", args=[successor.pk]))
    assert response.status_code == 403
    assert ApiKey.objects.get(pk=successor.pk).one_time_key is not None


def test_the_audit_trail_keeps_neither_the_encrypted_key_nor_every_use():
    old, full_key = issue_key()
    _age(old, 91)
    api_keys_rotate()
    api_key_reveal(key_id=ApiKey.objects.get(replaces=old).pk)
    ApiKey.objects.filter(pk=old.pk).update(last_used_at=timezone.now() - timedelta(minutes=5))
    before = _trail_rows()
    api_key_verify(full_key)  # a use: last_used_at only
    assert _trail_rows() == before
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM audit_trail WHERE table_name = 'api_keys'"
            " AND (old_values ? 'one_time_key' OR new_values ? 'one_time_key')"
        )
        assert cursor.fetchone()[0] == 0


def _trail_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM audit_trail WHERE table_name = 'api_keys'")
        return cursor.fetchone()[0]
