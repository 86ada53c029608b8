"""A retry of a probe batch sent while the first is still uncommitted: its COPY waits on the dedupe
index, is refused once the first commits, and the retry stores only its new rows."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, transaction

from status.ingest import probes_store, probes_validate
from tests.db import owner_connection
from tests.db import sql as _sql
from tests.timeseries import timescale

from .probes import batch, probe

pytestmark = pytest.mark.django_db
LOCATION = "concurrent-retry"  # the rows two sessions commit, removed again by the owner


@pytest.fixture
def committed_rows():
    yield
    with owner_connection() as conn:
        models = conn.execute("DELETE FROM status_probes WHERE probe_location = %s RETURNING model_id", [LOCATION])
        if not timescale():  # TimescaleDB's continuous aggregates need no queue
            conn.execute("DELETE FROM status_rollup_queue WHERE model_id = ANY(%s)", [list({row[0] for row in models})])


def _waiting_copies() -> int:
    _sql("SELECT pg_stat_clear_snapshot()")  # else the test's transaction keeps seeing its first reading
    return _sql(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE wait_event_type = 'Lock' AND query LIKE 'COPY status_probes %%' AND pid <> pg_backend_pid()"
    )[0][0]


def _committed_probes() -> int:
    return _sql("SELECT count(*) FROM status_probes WHERE probe_location = %s", [LOCATION])[0][0]


def test_a_retry_sent_while_the_first_batch_is_uncommitted_waits_for_it_and_stores_only_the_new_rows(
    models, now, committed_rows
):
    # Checked here, where the test's (uncommitted) models are seen; stored by two sessions of their own.
    first = [row | {"probe_location": LOCATION, "metadata": None} for row in batch(now)]
    retry = [*first, probe(now - timedelta(minutes=3), model="claude-3", probe_location=LOCATION, metadata=None)]
    (first_batch, _), (retry_batch, _) = probes_validate(first), probes_validate(retry)
    copied, commit = threading.Event(), threading.Event()
    stored = {}

    def store(name, valid, hold: bool):
        try:
            with transaction.atomic():
                stored[name] = probes_store(batch=valid)
                copied.set()
                if hold:
                    commit.wait(30)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=store, args=("first", first_batch, True)),
        threading.Thread(target=lambda: copied.wait(30) and store("retry", retry_batch, False)),
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 30
    while _waiting_copies() == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    waited = _waiting_copies() == 1  # the retry's COPY, blocked on the first batch's keys
    commit.set()
    for thread in threads:
        thread.join(30)
    assert waited
    assert stored == {"first": 3, "retry": 1}
    assert _committed_probes() == 4
