"""The unfiltered model list reads its page and the count the view's last refresh stored in one
statement (catalog.selectors.listing_page); what a client gets is the same as counting the view:
every page, the last one, past the end, with and without a stored count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.listings import listings_refresh
from catalog.models import ModelListing

from .factories import AIModelFactory, ProviderFactory

pytestmark = [pytest.mark.django_db, pytest.mark.pgbouncer]
API = "/api/v1/models/"


@pytest.fixture
def listed():
    provider = ProviderFactory(slug="acme")
    for number in range(7):
        AIModelFactory(provider=provider, slug=f"model-{number}")
    listings_refresh()
    return sorted(ModelListing.objects.values_list("slug", flat=True))


def page_of(client, **params) -> tuple[int, dict]:
    response = client.get(API, params)
    return response.status_code, response.json()


@pytest.mark.parametrize(("page", "size"), [("1", "3"), ("2", "3"), ("3", "3"), ("1", "50"), ("2", "7")])
def test_an_unfiltered_page_holds_the_views_rows_and_count(client, listed, page, size):
    status, body = page_of(client, page=page, page_size=size)
    start = (int(page) - 1) * int(size)
    if start >= len(listed):
        assert status == 404
        return
    assert status == 200
    assert body["count"] == len(listed)
    assert [row["slug"] for row in body["results"]] == listed[start : start + int(size)]
    assert (body["next"] is None) == (start + int(size) >= len(listed))


def test_an_unfiltered_page_is_one_query(client, listed):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(API, {"page_size": 3, "page": 2}).status_code == 200
    assert len(queries) == 1


def test_the_last_page_keyword_and_a_filtered_list_still_count_the_view(client, listed):
    assert page_of(client, page="last", page_size=3)[1]["results"][0]["slug"] == listed[6]
    assert page_of(client, ordering="-name", page_size=3)[1]["count"] == 7


def test_a_view_refreshed_before_counts_were_stored_is_counted(client, listed):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE model_listings_refreshed SET row_count = NULL")
    status, body = page_of(client, page_size=3, page=3)
    assert (status, body["count"], [row["slug"] for row in body["results"]]) == (200, 7, listed[6:])


def test_each_refresh_stores_the_count_it_leaves_in_sql(listed):
    with connection.cursor() as cursor:
        cursor.execute("SELECT row_count, (SELECT count(*) FROM model_listings) FROM model_listings_refreshed")
        assert cursor.fetchone() == (7, 7)
