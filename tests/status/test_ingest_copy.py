"""Probe ingestion's two ways to store a batch: a COPY straight into status_probes when none of its
rows is stored yet, the staging table when some are. Either way the same rows, counts and rollups."""

from datetime import UTC, timedelta, timezone

import pytest

from tests.db import sql as _sql

from .probes import batch, probe, stored_probes
from .rollups import rollup_keys, rollups_current

pytestmark = [pytest.mark.django_db, pytest.mark.pgbouncer]

RAW_KEYS = "SELECT DISTINCT model_id, region, time_bucket('5 minutes', time) FROM status_probes ORDER BY 1, 2, 3"


def _report(response) -> tuple[int, int, int]:
    body = response.json()
    return body["stored"], body["duplicates"], body["rejected"]


def test_a_batch_overlapping_stored_rows_stores_the_new_ones_and_queues_their_buckets(post, models, now):
    first = batch(now)
    assert _report(post(first)) == (3, 0, 0)
    rollups_current()
    later = probe(now - timedelta(minutes=30), model="claude-3", region="asia-se")
    response = post([*first[1:], later])
    assert response.status_code == 201, response.json()
    assert _report(response) == (1, 2, 0)
    assert stored_probes() == 4
    rollups_current()
    assert rollup_keys() == _sql(RAW_KEYS)


def test_a_duplicate_inside_a_fresh_batch_stores_the_rest_once_and_queues_them(post, models, now):
    rows = [probe(now), probe(now - timedelta(minutes=12), region="eu-west"), probe(now)]
    assert _report(post(rows)) == (2, 1, 0)
    assert stored_probes() == 2
    rollups_current()
    assert rollup_keys() == _sql(RAW_KEYS)
    assert len(rollup_keys()) == 2


@pytest.mark.parametrize("partial", [False, True])
def test_times_in_any_offset_are_stored_as_the_instant_they_name(post, models, now, partial):
    base = (now - timedelta(minutes=20)).replace(microsecond=123456)
    offsets = [timezone(timedelta(hours=5, minutes=45)), timezone(timedelta(hours=-3, minutes=-30)), UTC]
    rows = [
        probe(
            base + timedelta(minutes=index * 4),
            time=(base + timedelta(minutes=index * 4)).astimezone(offset).isoformat(),
        )
        for index, offset in enumerate(offsets)
    ]
    query = "?partial=true" if partial else ""
    assert _report(post(rows, query=query)) == (3, 0, 0)
    stored = [row[0] for row in _sql("SELECT time FROM status_probes ORDER BY time")]
    assert stored == [base + timedelta(minutes=index * 4) for index in range(3)]
    rollups_current()
    assert rollup_keys() == _sql(RAW_KEYS)
    assert _report(post(rows, query=query)) == (0, 3, 0)  # the same instants again, by the staging way
    assert stored_probes() == 3


def test_with_partial_only_the_valid_rows_are_stored_and_queued(post, models, now):
    stored_before = post([probe(now - timedelta(minutes=1))])
    assert _report(stored_before) == (1, 0, 0)
    rows = [
        probe(now - timedelta(minutes=1)),  # stored already
        probe(now - timedelta(minutes=40), region="mars"),  # invalid: its bucket must not be queued
        probe(now - timedelta(minutes=9), model="claude-3"),
    ]
    response = post(rows, query="?partial=true")
    assert response.status_code == 201, response.json()
    assert _report(response) == (1, 1, 1)
    rollups_current()
    assert rollup_keys() == _sql(RAW_KEYS)
