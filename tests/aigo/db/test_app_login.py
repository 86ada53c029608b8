"""The app logs in as its own role (DATABASE_URL), so nothing it runs regains the owner's or a
superuser's rights; migrations log in as the owner (aigo/db/owner.py)."""

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from aigo.checks import SUPERUSER_APP, app_database_user
from aigo.db.owner import owner_login
from tests.db import sql


@pytest.mark.django_db
def test_the_app_logs_in_as_the_app_role():
    assert sql("SELECT session_user, current_user") == [(settings.AIGO_DB_APP_ROLE, settings.AIGO_DB_APP_ROLE)]


@pytest.mark.django_db
def test_reset_role_on_the_apps_connection_gives_no_superuser():
    sql("RESET ROLE")
    assert sql("SELECT current_user, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user") == [
        (settings.AIGO_DB_APP_ROLE, False, False)
    ]


@pytest.mark.django_db
def test_set_role_to_the_owner_is_refused_on_the_apps_connection():
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        with connection.cursor() as cursor:
            cursor.execute("SAVEPOINT before_set_role")
            try:
                cursor.cursor.execute(psycopg.sql.SQL("SET ROLE {}").format(psycopg.sql.Identifier("postgres")))
            finally:
                cursor.execute("ROLLBACK TO SAVEPOINT before_set_role")


@pytest.mark.django_db
def test_switching_triggers_off_is_refused_on_the_apps_connection():
    """What tests.db.no_change_events needs the owner's session for."""
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        with connection.cursor() as cursor:
            cursor.execute("SAVEPOINT before_set")
            try:
                cursor.cursor.execute("SET LOCAL session_replication_role = replica")
            finally:
                cursor.execute("ROLLBACK TO SAVEPOINT before_set")


def test_check_deploy_warns_only_when_the_app_logs_in_as_a_superuser(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():  # outside a test's transaction: owner_login logs in anew
        assert app_database_user(None) == []
        with owner_login():
            warnings = app_database_user(None)
    assert [warning.id for warning in warnings] == [SUPERUSER_APP]
    assert "'postgres', a superuser" in warnings[0].msg
