"""GET /api/v1/changes/: filters, bad input, and a cursor that never skips an event committed late.

Events here are written by connections of their own that commit, as in production: the feed only
shows committed events of transactions older than every one still running, which a test's own
transaction (rolled back at its end) never is.
"""

import threading
import time

import pytest

from tests.db import owner_connection

pytestmark = pytest.mark.django_db

URL = "/api/v1/changes/"


def _emit(conn, event_type: str, model: str, provider: str = "openai") -> int:
    conn.execute("SELECT catalog_change_emit(%s, 'model', %s, %s, %s, '{}')", [event_type, model, model, provider])
    return conn.execute("SELECT max(id) FROM catalog_changes WHERE txid = pg_current_xact_id()").fetchone()[0]


@pytest.fixture
def committed():
    """Commits events from other connections; removes them afterwards (as the tables' owner)."""
    conn = owner_connection()
    yield conn
    conn.rollback()
    conn.execute("DELETE FROM catalog_changes")
    conn.commit()
    conn.close()


def _read_all(client, since: int = 0, **filters) -> tuple[list[dict], int]:
    events = []
    while True:
        body = client.get(URL, {"since": since, "limit": 2, **filters}).json()
        events += body["results"]
        if not body["results"]:
            return events, since
        since = body["cursor"]


def test_pages_follow_the_cursor_and_filters_narrow_them(client, committed):
    ids = [
        _emit(committed, kind, model)
        for kind, model in [
            ("price.changed", "gpt-4o"),
            ("model.updated", "gpt-4o"),
            ("price.changed", "claude"),
            ("model.created", "o3"),
        ]
    ]
    committed.commit()

    events, cursor = _read_all(client)
    assert [event["id"] for event in events] == ids and cursor == ids[-1]
    assert client.get(URL, {"since": cursor}).json()["results"] == []  # nothing new: poll again later
    assert [e["id"] for e in _read_all(client, types="price.changed")[0]] == [ids[0], ids[2]]
    assert [e["id"] for e in _read_all(client, models="gpt-4o,o3")[0]] == [ids[0], ids[1], ids[3]]
    assert [e["id"] for e in _read_all(client, since=ids[1], providers="openai")[0]] == ids[2:]
    first = events[0]
    assert set(first) == {
        "id",
        "type",
        "occurred_at",
        "subject_kind",
        "subject",
        "model",
        "provider",
        "payload",
        "source",
    }


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"since": "abc"}, "invalid_cursor"),
        ({"since": "-1"}, "invalid_cursor"),
        ({"since": "99999999999999999999"}, "invalid_cursor"),
        ({"since": "123456"}, "unknown_cursor"),
        ({"types": "price.exploded"}, "unknown_type"),
        ({"models": "a b"}, "invalid_slug"),
        ({"limit": "0"}, "invalid_limit"),
        ({"limit": "501"}, "invalid_limit"),
        ({"models": ",".join(f"m{n}" for n in range(51))}, "invalid_models"),
    ],
)
def test_bad_parameters_get_a_400_that_says_which(client, params, code):
    response = client.get(URL, params)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == code


def test_an_event_committed_late_is_held_back_until_it_can_no_longer_be_skipped(client, committed):
    with owner_connection() as late:
        early = _emit(late, "price.changed", "gpt-4o")  # begun first, committed last
        later = _emit(committed, "price.changed", "claude")
        committed.commit()

        assert client.get(URL).json()["results"] == []  # "later" waits for "early"'s transaction
        late.commit()

    assert [event["id"] for event in client.get(URL).json()["results"]] == [early, later]


def test_paging_during_concurrent_writes_returns_every_event_exactly_once(client, committed):
    writers, per_writer = 4, 40
    written: list[int] = []

    def write() -> None:
        with owner_connection() as conn:
            for number in range(per_writer):
                written.append(_emit(conn, "model.updated", f"m{number % 5}"))
                conn.commit()

    threads = [threading.Thread(target=write) for _ in range(writers)]
    for thread in threads:
        thread.start()
    seen, since, deadline = [], 0, time.monotonic() + 120
    while any(thread.is_alive() for thread in threads) or len(seen) < writers * per_writer:
        assert time.monotonic() < deadline, f"{len(seen)} of {writers * per_writer} events read"
        body = client.get(URL, {"since": since, "limit": 7}).json()
        seen += [event["id"] for event in body["results"]]
        since = body["cursor"]
    for thread in threads:
        thread.join()

    assert len(seen) == len(set(seen)) == writers * per_writer
    assert sorted(seen) == sorted(written)


def test_the_feed_is_in_the_published_schema(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()

    parameters = {parameter["name"] for parameter in schema["paths"][URL]["get"]["parameters"]}
    assert {"since", "limit", "types", "models", "providers"} <= parameters
