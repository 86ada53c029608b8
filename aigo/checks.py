"""`manage.py check --deploy`: what settings alone cannot show about the deployment."""

from django.core.checks import Tags, Warning, register
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

SUPERUSER_APP = "aigo.W001"


@register(Tags.security, deploy=True)
def app_database_user(app_configs, **kwargs) -> list[Warning]:
    """The app's own login (DATABASE_URL) must not be able to skip row-level security or grants:
    SET ROLE to the app role is not enough, RESET ROLE undoes it."""
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT session_user, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = session_user")
            user, superuser, bypassrls = cursor.fetchone()
    except DatabaseError:
        return []  # unreachable: nothing to say about its user here
    if not (superuser or bypassrls):
        return []
    return [
        Warning(
            f"DATABASE_URL logs in as {user!r}, a {'superuser' if superuser else 'role that bypasses RLS'}.",
            hint="Log the app in as its own role (AIGO_DB_APP_ROLE, aigo_app); migrations use DATABASE_OWNER_URL.",
            id=SUPERUSER_APP,
        )
    ]
