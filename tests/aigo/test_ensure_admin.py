import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def _run() -> str:
    out = io.StringIO()
    call_command("ensure_admin", stdout=out)
    return out.getvalue()


def test_first_run_creates_a_superuser_and_prints_a_working_login(settings, tmp_path):
    settings.LOCAL_DIR = tmp_path
    output = _run()
    password = (tmp_path / "admin_password").read_text()
    assert f"login: admin / {password}" in output
    assert "http://127.0.0.1:8000/admin/" in output
    assert User.objects.get(username="admin").check_password(password)
    assert (tmp_path / "admin_password").stat().st_mode & 0o077 == 0


def test_later_runs_keep_the_user_and_never_print_a_stale_password(settings, tmp_path):
    settings.LOCAL_DIR = tmp_path
    _run()
    assert _run().count("admin /") == 1
    user = User.objects.get(username="admin")
    user.set_password("changed by hand")
    user.save()
    assert "password as you set it" in _run()
    assert User.objects.filter(username="admin").count() == 1
