import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User

ROOT = Path(__file__).resolve().parents[2]


def test_deploy_checks_pass_with_production_settings():
    database = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "aigo.settings.production",
        # The app's login, as production has it: the check warns when DATABASE_URL is a superuser.
        "DATABASE_URL": f"postgres://{settings.AIGO_DB_APP_ROLE}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_admin_login_is_throttled_after_repeated_failures(client):
    User.objects.create_superuser("boss", password="correct horse")
    for _ in range(5):
        assert client.post("/admin/login/", {"username": "boss", "password": "wrong"}).status_code == 200
    refused = client.post("/admin/login/", {"username": "boss", "password": "correct horse"})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0


@pytest.mark.django_db
def test_a_successful_login_clears_the_address_count(client):
    User.objects.create_superuser("boss", password="correct horse")
    for _ in range(3):
        client.post("/admin/login/", {"username": "other", "password": "wrong"})
    assert client.post("/admin/login/", {"username": "boss", "password": "correct horse"}).status_code == 302
    client.logout()
    for _ in range(3):
        client.post("/admin/login/", {"username": "other2", "password": "wrong"})
    assert client.post("/admin/login/", {"username": "boss", "password": "correct horse"}).status_code == 302


@pytest.mark.django_db
def test_admin_writes_need_a_csrf_token():
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(User.objects.create_superuser("boss", password="pw"))
    assert strict.post("/admin/catalog/provider/add/", {"slug": "x", "name": "X"}).status_code == 403


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy(admin_client):
    policy = admin_client.get("/admin/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "Content-Security-Policy" not in admin_client.get("/api/docs/"), "Swagger UI needs its inline script"
