"""manage.py rebuild_redis walks the steps the apps registered, in the order the apps are installed."""

import io

import pytest
from django.core.management import call_command

from aigo.redis.rebuild import rebuild_steps

pytestmark = pytest.mark.django_db


def test_the_apps_register_their_steps_in_installed_order():
    assert [name for name, _step in rebuild_steps()] == ["live status", "trending"]


def test_the_command_reports_each_step_in_turn():
    out = io.StringIO()
    call_command("rebuild_redis", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Live status rebuilt: 0 model/region pairs")
    assert lines[1].startswith("Trending rebuilt: 0 model views")
