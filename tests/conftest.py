import uuid

import pytest
from django.contrib.auth.models import Group, User
from redis.exceptions import RedisError

from aigo.api.cache import response_cache
from aigo.redis import redis_client
from tests.db import stop_redis
from tests.pooling import pooler_connections, pooler_use_own_test_database


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings):
    pooler_use_own_test_database()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Under `make test-pgbouncer` the tests reach the test database through PgBouncer (tests/pooling.py)."""
    with pooler_connections(django_db_blocker):
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
