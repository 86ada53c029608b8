"""Hand-made bad input to the site (issue 15): NUL bytes in the address or its query are a 400,
never a query PostgreSQL refuses; the development server answers traversal under /static/ with 404."""

import io
from urllib.parse import unquote, urlencode

import pytest
from django.core.management import get_commands, load_command_class
from django.test import Client

from tests.catalog.factories import AIModelFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def visitor():
    """Answers what a browser would get instead of raising the server's exception."""
    return Client(raise_request_exception=False)


@pytest.mark.parametrize(
    "url",
    [
        "/en-US/search/?q=%00",
        "/en-US/search/?q=gpt%00",
        "/en-US/models/?provider=%00",
        "/en-US/compare/?models=%00",
        "/en-US/compare/?models=gpt-4&add=%00",
        "/en-US/calculator/?models=%00",
        "/en-US/news/tag/%00/",
        "/ja-JP/news/?tag=%00",
        "/en-US/following/a%00b/",
        "/en-US/models/?sort=name&x%00=1",
    ],
)
def test_a_nul_byte_in_a_site_address_is_a_400(visitor, url):
    AIModelFactory(slug="gpt-4")
    response = visitor.get(url)
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("url", "form"),
    [
        ("/en-US/follow/", {"model": "gpt-4\x00"}),
        ("/en-US/preferences", {"locale": "ja-JP", "next": "/\x00"}),
        ("/en-US/preferences", {"currency\x00": "EUR", "next": "/"}),
    ],
)
def test_a_nul_byte_in_a_site_form_is_a_400(visitor, url, form):
    AIModelFactory(slug="gpt-4")
    encoded = "application/x-www-form-urlencoded"
    assert visitor.post(url, urlencode(form), content_type=encoded, HTTP_ORIGIN="http://testserver").status_code == 400
    assert visitor.post(url, form, HTTP_ORIGIN="http://testserver").status_code == 400  # multipart


def test_the_same_pages_without_the_nul_byte_still_answer(visitor):
    AIModelFactory(slug="gpt-4")
    for url in ("/en-US/search/?q=gpt", "/en-US/compare/?models=gpt-4", "/en-US/news/tag/x/"):
        assert visitor.get(url).status_code in (200, 404), url


def _dev_server_get(path: str) -> str:
    """GET through the handler `manage.py runserver` serves with its default options."""
    command = load_command_class(get_commands()["runserver"], "runserver")
    options = vars(command.create_parser("manage.py", "runserver").parse_args([]))
    handler = command.get_handler(**options)
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": unquote(path),
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1:8000",
        "wsgi.input": io.BytesIO(),
        "wsgi.url_scheme": "http",
    }
    statuses = []
    handler(environ, lambda status, headers, exc_info=None: statuses.append(status))
    return statuses[0]


@pytest.mark.parametrize(
    "path",
    ["/static/..", "/static/../", "/static/../manage.py", "/static/%2e%2e/", "/static/site/..%2f..%2fsettings.py"],
)
def test_path_traversal_under_static_is_a_404_on_the_development_server(settings, path):
    settings.DEBUG = True  # as `make run`
    assert _dev_server_get(path) == "404 Not Found"


def test_the_development_server_still_serves_static_files(settings):
    settings.DEBUG = True
    assert _dev_server_get("/static/site/site.css") == "200 OK"
