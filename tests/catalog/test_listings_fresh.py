"""Lists are never staler than the last command that wrote the catalog, with or without a worker
(issue 15, D3): commands refresh model_listings at their end, a first read of an empty or never
populated view fills it, and /readyz says how old the lists are."""

import threading

import pytest
from django.db import connections, transaction
from django.test import Client

from catalog.listings import catalog_changes_batched, listings_refresh
from tests.catalog.factories import AIModelFactory, ProviderFactory
from tests.db import owner_connection, sql

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_worker(settings):
    """Queued refreshes go to a broker nobody consumes, as before the worker is up."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"


def _slugs(client) -> list[str]:
    response = client.get("/api/v1/models/?page_size=200")
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


def test_writes_in_a_command_are_listed_when_it_ends(client, django_capture_on_commit_callbacks):
    provider = ProviderFactory(slug="maker")
    AIModelFactory(provider=provider, slug="listed-before")
    listings_refresh()
    with catalog_changes_batched():
        # A command runs in autocommit: each save's on_commit runs at once.
        with django_capture_on_commit_callbacks(execute=True):
            AIModelFactory(provider=provider, slug="written-by-a-command")
        assert _slugs(client) == ["listed-before"]  # not yet: one refresh at the end
    assert _slugs(client) == ["listed-before", "written-by-a-command"]


def test_a_rolled_back_write_in_a_command_refreshes_nothing(django_capture_on_commit_callbacks):
    provider = ProviderFactory(slug="maker")
    listings_refresh()
    before = sql("SELECT refreshed_at FROM model_listings_refreshed")
    with catalog_changes_batched() as changed:
        with django_capture_on_commit_callbacks(execute=True):
            try:
                with transaction.atomic():
                    AIModelFactory(provider=provider, slug="rolled-back")
                    raise RuntimeError
            except RuntimeError:
                pass
    assert changed == set()
    assert sql("SELECT refreshed_at FROM model_listings_refreshed") == before


def test_an_empty_view_is_filled_on_the_first_read(client):
    listings_refresh()  # the view of an empty catalog, as `migrate` leaves it
    AIModelFactory(provider=ProviderFactory(slug="maker"), slug="added-with-no-worker")
    assert _slugs(client) == ["added-with-no-worker"]


def test_an_empty_answer_costs_one_check_when_the_view_is_current(client, django_assert_max_num_queries):
    AIModelFactory(provider=ProviderFactory(slug="maker"), slug="gpt")
    listings_refresh()
    with django_assert_max_num_queries(1 + 1):  # the count (no rows match), the check
        response = client.get("/api/v1/models/?provider=nobody")
    assert response.json()["results"] == []


def _read_in_autocommit(path: str):
    """A request in a thread of its own: its own connection, in autocommit as when served (this
    test's transaction would be aborted by the failed read)."""
    responses = []

    def read():
        try:
            responses.append(Client().get(path))
        finally:
            connections.close_all()

    thread = threading.Thread(target=read)
    thread.start()
    thread.join()
    return responses[0]


def test_a_never_populated_view_is_populated_on_the_first_read():
    with owner_connection() as owner:  # only the view's owner may empty it; committed for the other connection
        owner.execute("REFRESH MATERIALIZED VIEW model_listings WITH NO DATA")
    try:
        response = _read_in_autocommit("/api/v1/models/")
        assert response.status_code == 200, response.content
        assert response.json()["results"] == []
        assert sql("SELECT ispopulated FROM pg_matviews WHERE matviewname = 'model_listings'") == [(True,)]
    finally:
        with owner_connection() as owner:
            owner.execute("REFRESH MATERIALIZED VIEW model_listings")


def test_readyz_reports_how_old_the_lists_are(client):
    listings_refresh()
    listings = client.get("/readyz").json()["checks"]["listings"]
    assert listings["ok"] is True
    assert 0 <= listings["age_seconds"] < 60
    assert listings["late"] is False


def test_readyz_says_lists_never_refreshed_are_late_without_failing(client):
    sql("DELETE FROM model_listings_refreshed")
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["listings"] | {"latency_ms": 0} == {
        "ok": True,
        "latency_ms": 0,
        "refreshed_at": None,
        "age_seconds": None,
        "late": True,
    }
