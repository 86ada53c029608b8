"""Sessions, Django's user and messages run for the site and the admin, not for the API
(aigo.api.site_only): an API request with a logged-in editor's cookies loads no session."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_an_api_request_loads_no_session_even_with_a_session_cookie(admin_client):
    api = admin_client.get("/api/v1/providers/")
    assert api.status_code == 200
    assert not hasattr(api.wsgi_request, "session")
    assert "Cookie" not in api.get("Vary", "")


def test_the_site_and_the_admin_still_have_them(admin_client):
    admin = admin_client.get("/admin/")
    assert admin.status_code == 200 and admin.wsgi_request.user.is_staff
    site = admin_client.get("/en-US/")
    assert site.status_code == 200 and hasattr(site.wsgi_request, "session")


def test_djangos_checks_find_the_middleware_the_admin_needs():
    call_command("check")  # admin.E408-E410 look for these classes or their subclasses
