import uuid

import pytest
from django.contrib.auth.models import Group, User
from redis.exceptions import RedisError

from aigo.api.cache import response_cache
from aigo.db.owner import owner_login
from aigo.redis import redis_client
from tests.db import stop_redis
from tests.pooling import app_connections, owner_makes_test_database


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings):
    owner_makes_test_database()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The tests log in as the app does, through PgBouncer under `make test-pgbouncer` (tests/pooling.py)."""
    with app_connections(django_db_blocker):
        yield


@pytest.fixture(scope="module")
def owner_session(django_db_setup):
    """The module's tests log in as the tables' owner, which switches to the app role (aigo/db/role.py) and
    can switch back inside a test's transaction (tests.db.no_change_events); the app's own login cannot."""
    with owner_login():
        yield


@pytest.fixture(autouse=True)
def redis_prefix(settings):
    """Each test writes its Redis keys under a prefix of its own and leaves nothing behind."""
    prefix = f"test:{uuid.uuid4().hex[:12]}:"
    settings.AIGO_REDIS_PREFIX = prefix
    # The response cache's generations seen here belong to an earlier test's prefix: kept, they can
    # be ahead of this test's, and an invalidation would then not change the cache keys.
    response_cache._generations.clear()
    yield prefix
    try:
        client = redis_client()
        keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
        if keys:
            client.delete(*keys)
    except RedisError:
        pass  # a test that stopped Redis on purpose


@pytest.fixture
def redis_down(settings):
    """Redis unreachable for the rest of the test."""
    stop_redis(settings)


@pytest.fixture
def editor(client):
    """A staff user in the "Editors" group, logged in on `client`."""
    user = User.objects.create_user("editor", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return user
