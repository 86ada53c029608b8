"""The status overview under a crowd: served from the page cache for a few seconds, dropped by
each ingest that shows a new value and by each incident change, 304 for a browser that has it,
and from PostgreSQL alone when Redis is down."""

import re
import time

import pytest
from django.utils import timezone

from aigo.redis import redis_client
from aigo.site.status import REDRAW_AWAITED, overview_redraw_key
from aigo.site.tasks import redraw_status_overview
from status.incidents import incident_open, incident_transition
from status.ingest import probes_ingest
from tests.catalog.factories import AIModelFactory
from tests.db import stop_redis
from tests.site.test_status_pages import _bucket
from tests.status.probes import probe

pytestmark = pytest.mark.django_db

URL = "/en-US/status/"


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.AIGO_RESPONSE_CACHE = True


@pytest.fixture
def probed():
    healthy = AIModelFactory(slug="healthy", name={"en-US": "Healthy", "ja-JP": "ヘルシー"})
    shaky = AIModelFactory(slug="shaky")
    for region in ("us-east", "eu-west"):
        _bucket(healthy, region, 5, 99.99)
    _bucket(shaky, "us-east", 5, 99.5)
    return healthy, shaky


def _cell(html: str, model: str, region: str) -> str:
    return re.search(rf'data-model="{model}" data-region="{region}">(.*?)</td>', html, re.S).group(1)


def _order(html: str) -> list[str]:
    return re.findall(r'<a href="/en-US/status/([a-z-]+)/">', html)


def _ingest(capture, **fields) -> None:
    with capture(execute=True):
        probes_ingest(rows=[probe(timezone.now(), **fields)])


def test_an_ingest_that_changes_a_models_state_shows_on_the_next_request(
    client, probed, django_capture_on_commit_callbacks
):
    before = client.get(URL).content.decode()
    assert _order(before) == ["shaky", "healthy"] and "Operational" in _cell(before, "healthy", "us-east")
    _ingest(django_capture_on_commit_callbacks, model="healthy", region="us-east", availability=42)
    after = client.get(URL).content.decode()
    assert _cell(after, "healthy", "us-east") == '<span class="status down">Down</span> 42.00%'
    assert _order(after) == ["healthy", "shaky"]  # problems first, by the live value
    assert "Operational" in _cell(after, "healthy", "eu-west")  # no live value there: the rollup's


def test_an_incident_change_shows_on_the_next_request(client, probed, django_capture_on_commit_callbacks):
    _healthy, shaky = probed
    assert "Errors in us-east" not in client.get(URL).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        incident = incident_open(model=shaky, severity="major", title="Errors in us-east", message="Looking.")
    assert "Errors in us-east" in client.get(URL).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        incident_transition(incident=incident, status="resolved", message="Fixed.")
    assert "Errors in us-east" not in client.get(URL).content.decode()


def test_a_browser_that_has_the_page_gets_304_without_a_body(client, probed):
    first = client.get(URL)
    assert first.status_code == 200 and first["ETag"]
    assert first["Cache-Control"] == "public, max-age=5"
    assert "Cookie" in first["Vary"]  # currency and region come from cookies
    again = client.get(URL, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"] and again["Cache-Control"] == "public, max-age=5"
    assert "Cookie" in again["Vary"]
    assert client.get(URL, HTTP_IF_NONE_MATCH='"stale"').status_code == 200


def test_a_warm_request_runs_no_sql(client, probed, django_assert_num_queries):
    client.get(URL)
    with django_assert_num_queries(0):
        assert client.get(URL).status_code == 200


def test_each_locale_and_currency_has_its_own_copy(client, probed):
    assert "ヘルシー" not in client.get(URL).content.decode()
    assert "ヘルシー" in client.get("/ja-JP/status/").content.decode()
    client.cookies["aigo_currency"] = "EUR"
    assert '<option value="EUR" selected>' in client.get(URL).content.decode()


def test_the_cached_page_is_the_rendered_page_byte_for_byte(
    client, settings, probed, django_capture_on_commit_callbacks
):
    _healthy, shaky = probed
    with django_capture_on_commit_callbacks(execute=True):
        incident_open(model=shaky, severity="minor", title="Slow in eu-west", message="Looking.")
    for path in (URL, "/ja-JP/status/"):
        client.get(path)  # read lately: the ingest draws their grid parts again
    _ingest(django_capture_on_commit_callbacks, model="shaky", region="eu-west", availability=98.25)
    for path in (URL, "/ja-JP/status/"):
        for currency in ("USD", "EUR"):  # both pages from the part the ingest drew
            client.cookies["aigo_currency"] = currency
            settings.AIGO_RESPONSE_CACHE = settings.AIGO_FRAGMENT_CACHE = False
            rendered = client.get(path).content
            settings.AIGO_RESPONSE_CACHE = settings.AIGO_FRAGMENT_CACHE = True
            filled, served = client.get(path).content, client.get(path).content
            assert rendered == filled == served


def test_with_redis_unreachable_the_page_is_rendered_from_postgresql(client, settings, probed):
    settings.AIGO_RESPONSE_CACHE = False
    with_redis = client.get(URL).content  # no live value held: every cell from the rollups
    settings.AIGO_RESPONSE_CACHE = True
    stop_redis(settings)
    response = client.get(URL)
    assert response.status_code == 200 and response.content == with_redis
    assert "99.50%" in _cell(response.content.decode(), "shaky", "us-east")


def test_an_ingest_draws_the_overview_again_for_the_locales_read_lately(
    client, probed, django_capture_on_commit_callbacks, django_assert_num_queries
):
    client.get(URL)
    _ingest(django_capture_on_commit_callbacks, model="shaky", region="us-east", availability=99.25)
    with django_assert_num_queries(0):  # the ingest drew en-US's grid again: the reader waits for nothing
        assert "99.25%" in _cell(client.get(URL).content.decode(), "shaky", "us-east")
    with django_assert_num_queries(2):  # ja-JP, not read lately: its first reader draws it (grid, incidents)
        assert client.get("/ja-JP/status/").status_code == 200


def test_while_the_worker_is_about_to_draw_it_readers_get_the_copy_they_had(
    client, probed, django_capture_on_commit_callbacks, django_assert_num_queries
):
    """Probes report in bursts: the redraw the burst's first ingest asked for draws the last one's,
    and until it has, readers are answered at once, as while another thread renders."""
    before = client.get(URL).content
    redis_client().set(overview_redraw_key(), time.time())  # asked for just now; the worker has not run it
    _ingest(django_capture_on_commit_callbacks, model="shaky", region="us-east", availability=99.25)
    with django_assert_num_queries(0):
        assert client.get(URL).content == before
    redraw_status_overview()
    with django_assert_num_queries(0):  # the worker drew the grid: the reader draws only the page around it
        assert "99.25%" in _cell(client.get(URL).content.decode(), "shaky", "us-east")


def test_a_redraw_asked_for_long_ago_is_not_waited_for(
    client, probed, django_capture_on_commit_callbacks, django_assert_num_queries
):
    """No worker ran it (the key outlives it): readers draw the overview themselves, with the new value."""
    client.get(URL)
    redis_client().set(overview_redraw_key(), time.time() - REDRAW_AWAITED - 1)
    _ingest(django_capture_on_commit_callbacks, model="shaky", region="us-east", availability=99.25)
    with django_assert_num_queries(2):  # nothing drawn yet: the reader draws it (grid, incidents)
        assert "99.25%" in _cell(client.get(URL).content.decode(), "shaky", "us-east")


def test_another_currencys_page_is_drawn_from_the_same_grid_part(client, probed, django_assert_num_queries):
    client.get(URL)
    client.cookies["aigo_currency"] = "EUR"
    with django_assert_num_queries(0):
        assert client.get(URL).status_code == 200
