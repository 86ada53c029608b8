"""manage.py rebuild_redis walks the steps the apps registered, in the order the apps are installed."""

import io

import pytest
from django.core.management import call_command

from aigo.redis import redis_client
from aigo.redis.rebuild import rebuild_steps
from aigo.tasks import rebuild_redis_if_lost

pytestmark = pytest.mark.django_db


def test_the_apps_register_their_steps_in_installed_order():
    assert [name for name, _step in rebuild_steps()] == ["live status", "trending"]


def test_the_command_reports_each_step_in_turn():
    out = io.StringIO()
    call_command("rebuild_redis", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Live status rebuilt: 0 model/region pairs")
    assert lines[1].startswith("Trending rebuilt: 0 model views")


def test_the_periodic_task_rebuilds_what_redis_lost_once(redis_prefix):
    assert [line.split(":")[0] for line in rebuild_redis_if_lost()] == ["Live status rebuilt", "Trending rebuilt"]
    assert rebuild_redis_if_lost() == []  # the marker is there: nothing to do
    client = redis_client()
    client.delete(*client.scan_iter(match=f"{redis_prefix}*"))  # as FLUSHALL or an empty restart would
    assert len(rebuild_redis_if_lost()) == 2


def test_the_command_leaves_the_marker_too():
    call_command("rebuild_redis", stdout=io.StringIO())
    assert rebuild_redis_if_lost() == []
