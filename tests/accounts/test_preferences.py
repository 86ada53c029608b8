"""Visitor preferences: the API, and row-level security proven in SQL."""

import json

import psycopg
import pytest
from django.db import IntegrityError, ProgrammingError, connection, transaction

from accounts.models import UserPreference
from accounts.preferences import VISITOR_COOKIE, as_visitor
from tests.catalog.factories import AIModelFactory
from tests.db import sql as _sql

pytestmark = [pytest.mark.django_db, pytest.mark.pgbouncer]
URL = "/api/v1/me/preferences"


def _as(user: str | None) -> None:
    _sql("SELECT set_config('app.current_user', %s, true)", [user or ""])


@pytest.fixture
def two_visitors():
    for user, currency in (("v_alice_aaaaaaaaaaaaaaaa", "EUR"), ("v_bob_bbbbbbbbbbbbbbbbbb", "JPY")):
        _as(user)
        _sql("INSERT INTO user_preferences (user_identifier, preferred_currency) VALUES (%s, %s)", [user, currency])
    _as(None)
    return "v_alice_aaaaaaaaaaaaaaaa", "v_bob_bbbbbbbbbbbbbbbbbb"


# -- the database role and the policy, in SQL ---------------------------------------------


def test_the_app_runs_as_a_role_row_level_security_applies_to():
    (current, superuser, bypass, owner, forced) = _sql(
        """SELECT current_user, r.rolsuper, r.rolbypassrls, pg_get_userbyid(c.relowner), c.relforcerowsecurity
           FROM pg_roles r, pg_class c WHERE r.rolname = current_user AND c.relname = 'user_preferences'"""
    )[0]
    assert current == "aigo_app" and not superuser and not bypass and owner != current and forced


def test_with_nothing_set_no_row_is_visible(two_visitors):
    assert _sql("SELECT count(*) FROM user_preferences")[0][0] == 0


def test_a_visitor_sees_only_their_own_row(two_visitors):
    alice, bob = two_visitors
    _as(alice)
    assert _sql("SELECT user_identifier, preferred_currency FROM user_preferences") == [(alice, "EUR")]


def test_a_visitor_cannot_update_or_delete_anothers_row(two_visitors):
    alice, bob = two_visitors
    _as(alice)
    assert _sql("UPDATE user_preferences SET preferred_currency = 'USD' WHERE user_identifier = %s", [bob]) == 0
    assert _sql("DELETE FROM user_preferences WHERE user_identifier = %s", [bob]) == 0
    assert _sql("UPDATE user_preferences SET preferred_currency = 'USD'") == 1  # only alice's own row
    _as(bob)
    assert _sql("SELECT preferred_currency FROM user_preferences") == [("JPY",)]


def test_a_visitor_cannot_write_a_row_for_someone_else(two_visitors):
    alice, bob = two_visitors
    _as(alice)
    with pytest.raises(ProgrammingError, match="row-level security"), transaction.atomic():
        _sql("INSERT INTO user_preferences (user_identifier) VALUES ('v_mallory_mmmmmmmmmmmmmm')")
    with pytest.raises(ProgrammingError, match="row-level security"), transaction.atomic():
        _sql("UPDATE user_preferences SET user_identifier = %s", [bob])


def test_the_setting_is_transaction_local_and_never_reaches_the_next_client(settings):
    """Two transactions on one real connection, as a pooled server connection would see them."""
    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"], port=db["PORT"], dbname=db["NAME"], user=settings.AIGO_DB_APP_ROLE, autocommit=False
    ) as other:
        other.execute("SELECT set_config('app.current_user', 'v_alice_aaaaaaaaaaaaaaaa', true)")
        assert other.execute("SELECT current_setting('app.current_user', true)").fetchone() == (
            "v_alice_aaaaaaaaaaaaaaaa",
        )
        other.commit()
        assert other.execute("SELECT current_setting('app.current_user', true)").fetchone()[0] in (None, "")
        assert other.execute("SELECT count(*) FROM user_preferences").fetchone() == (0,)


def test_orm_reads_inside_as_visitor_see_only_that_visitor(two_visitors):
    alice, _bob = two_visitors
    with as_visitor(alice):
        assert list(UserPreference.objects.values_list("user_identifier", flat=True)) == [alice]
    assert UserPreference.objects.count() == 0


# -- the API ------------------------------------------------------------------------------


def test_first_visit_gets_defaults_and_an_identifier_cookie(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert response.json() == {
        "preferred_locale": "en-US",
        "preferred_region": None,
        "preferred_currency": "USD",
        "favorite_models": [],
        "display_preferences": {},
    }
    cookie = response.cookies[VISITOR_COOKIE]
    assert cookie.value.startswith("v_") and cookie["httponly"] and cookie["samesite"] == "Lax"
    assert response["Cache-Control"] == "private, no-store"


def test_a_visitor_saves_and_reads_back_their_preferences(client):
    model = AIModelFactory()
    client.get(URL)
    body = {"preferred_locale": "zh-CN", "preferred_currency": "EUR", "favorite_models": [str(model.id)]}
    response = client.patch(URL, body, content_type="application/json")
    assert response.status_code == 200, response.json()
    again = client.get(URL).json()
    assert again["preferred_locale"] == "zh-CN" and again["preferred_currency"] == "EUR"
    assert again["favorite_models"] == [str(model.id)]


def test_another_visitor_does_not_see_the_first_ones_preferences(client):
    client.get(URL)
    client.patch(URL, {"preferred_currency": "EUR"}, content_type="application/json")
    client.cookies.clear()
    assert client.get(URL).json()["preferred_currency"] == "USD"


def test_a_forged_cookie_is_replaced(client):
    client.cookies[VISITOR_COOKIE] = "'; DROP TABLE user_preferences; --"
    response = client.get(URL)
    assert response.cookies[VISITOR_COOKIE].value.startswith("v_")


@pytest.mark.parametrize(
    "body, field",
    [
        ({"preferred_locale": "xx-XX"}, "preferred_locale"),
        ({"preferred_region": "mars-1"}, "preferred_region"),
        ({"preferred_currency": "XYZ"}, "preferred_currency"),
        ({"preferred_currency": 840}, "preferred_currency"),
        ({"favorite_models": ["00000000-0000-0000-0000-000000000000"]}, "favorite_models"),
        ({"favorite_models": "gpt-4o"}, "favorite_models"),
        ({"favorite_models": ["not-a-uuid"]}, "favorite_models"),
        ({"display_preferences": ["dark"]}, "display_preferences"),
        ({"display_preferences": {"blob": "x" * 5000}}, "display_preferences"),
        ({"is_admin": True}, "is_admin"),
    ],
)
def test_bad_preferences_get_400_and_nothing_is_stored(client, body, field):
    client.get(URL)
    client.patch(URL, {"preferred_currency": "EUR"}, content_type="application/json")
    response = client.patch(URL, {"preferred_locale": "ja-JP", **body}, content_type="application/json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and field in error["details"]["fields"]
    stored = client.get(URL).json()
    assert stored["preferred_locale"] == "en-US" and stored["preferred_currency"] == "EUR"


@pytest.mark.parametrize("payload", ['{"preferred_locale": ', "[1, 2]", '"just a string"'])
def test_malformed_or_non_object_json_gets_400(client, payload):
    response = client.patch(URL, payload, content_type="application/json")
    assert response.status_code == 400
    assert "error" in response.json()


def test_put_needs_every_field(client):
    response = client.put(URL, json.dumps({"preferred_locale": "ja-JP"}), content_type="application/json")
    assert response.status_code == 400
    assert "preferred_currency" in response.json()["error"]["details"]["fields"]


def test_the_database_also_rejects_a_bad_currency():
    _as("v_carol_cccccccccccccccc")
    with pytest.raises(IntegrityError), transaction.atomic():
        _sql(
            "INSERT INTO user_preferences (user_identifier, preferred_currency)"
            " VALUES ('v_carol_cccccccccccccccc', 'eu')"
        )
