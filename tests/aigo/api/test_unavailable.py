"""A database that cannot answer is a 503 with Retry-After: the API's JSON error, the site's error
page (tests/faults/test_database_restart.py restarts a real server under traffic)."""

import json

import pytest
from django.db import InterfaceError, OperationalError

from aigo.api.errors import exception_handler
from aigo.site.errors import server_error


@pytest.mark.parametrize("error", [OperationalError("server closed the connection"), InterfaceError("closed")])
def test_the_api_answers_503_database_unavailable(error):
    response = exception_handler(error, {})
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.data["error"]["code"] == "database_unavailable"


def _handled(rf, path: str, error: Exception):
    """As Django calls handler500: inside the except block of the failed request."""
    try:
        raise error
    except Exception:
        return server_error(rf.get(path))


def test_a_failure_outside_a_view_is_the_same_json_on_the_api(rf):
    response = _handled(rf, "/api/v1/models/", OperationalError("connection refused"))
    assert (response.status_code, response["Retry-After"]) == (503, "5")
    assert json.loads(response.content)["error"]["code"] == "database_unavailable"


def test_the_site_shows_its_error_page_with_503(rf):
    response = _handled(rf, "/ja-JP/models/", OperationalError("connection refused"))
    assert (response.status_code, response["Retry-After"]) == (503, "5")
    assert b'<html lang="ja-JP">' in response.content


def test_other_failures_stay_500(rf):
    response = _handled(rf, "/en-US/", ValueError("a bug"))
    assert response.status_code == 500 and not response.has_header("Retry-After")
