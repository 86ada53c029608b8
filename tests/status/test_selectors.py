"""The status selectors over the rollups: buckets as time_bucket() makes them, gaps filled for
every bucket and region, and the status page's thresholds compared exactly."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings

from status.selectors import _bucket_start, latency_by_hour, status_history, status_summary
from tests.catalog.factories import AIModelFactory
from tests.db import sql

from .rollups import probe_store, rollups_current

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


def _five_minutes(model_id, region: str, bucket: datetime.datetime, *availabilities, p95: int = 500) -> None:
    """A probe per availability in the bucket (from different locations), so it holds their mean."""
    for location, availability in enumerate(availabilities):
        probe_store(model_id, region, bucket, availability, p95=p95, location=f"loc-{location}")
    rollups_current()


def _database_bucket(width: str) -> datetime.datetime:
    """The current bucket by the database's clock (now(): the test's transaction)."""
    return sql("SELECT time_bucket(%s::interval, now())", [width])[0][0]


@pytest.mark.parametrize("minutes", [5, 15, 60, 6 * 60, 24 * 60])
def test_python_buckets_are_the_databases_time_buckets(minutes):
    step = datetime.timedelta(minutes=minutes)
    for at in (
        datetime.datetime(2026, 3, 29, 1, 59, 59, 999999, tzinfo=UTC),
        datetime.datetime(2026, 11, 27, 23, 2, tzinfo=datetime.timezone(datetime.timedelta(hours=5, minutes=30))),
        datetime.datetime(2001, 1, 1, tzinfo=UTC),
    ):
        assert _bucket_start(at, step) == sql("SELECT time_bucket(%s, %s::timestamptz)", [step, at])[0][0]


def test_history_has_every_bucket_of_every_region_with_nulls_where_nothing_was_measured():
    model = AIModelFactory()
    hour = _database_bucket("1 hour") - datetime.timedelta(hours=5)
    _five_minutes(model.id, "us-west", hour + datetime.timedelta(hours=1), 99.5)
    start = hour + datetime.timedelta(minutes=42)  # within the first hour: its bucket starts the series
    points = status_history(
        model_id=model.id, resolution="1h", start=start, end=hour + datetime.timedelta(hours=2), region=None
    )
    buckets = [(hour + datetime.timedelta(hours=n)).isoformat() for n in range(3)]
    assert [(point["region"], point["bucket"]) for point in points] == [
        (region, bucket) for region in sorted(settings.AIGO_REGIONS) for bucket in buckets
    ]
    measured = {(point["region"], point["bucket"]): point["availability"] for point in points}
    assert measured.pop(("us-west", buckets[1])) == 99.5
    assert set(measured.values()) == {None}


def test_summary_counts_each_pairs_newest_bucket_against_the_exact_thresholds():
    newest = _database_bucket("5 minutes")
    older = newest - datetime.timedelta(minutes=5)
    up, degraded, down, silent = AIModelFactory(), AIModelFactory(), AIModelFactory(), AIModelFactory()
    _five_minutes(up.id, "us-east", newest, Decimal("99.9"))
    _five_minutes(up.id, "us-east", older, Decimal("10"))  # superseded by the newer bucket
    # The mean of ten probes, 99.899: just below the threshold, compared as numeric.
    _five_minutes(degraded.id, "us-east", newest, *[Decimal("99.90")] * 9, Decimal("99.89"))
    _five_minutes(degraded.id, "eu-west", newest, Decimal("99"))
    _five_minutes(down.id, "us-east", newest, Decimal("98.99"))
    _five_minutes(silent.id, "us-east", newest, None)  # counted as a model, in no state
    assert status_summary() == {"up": 1, "degraded": 2, "down": 1, "models": 4}


def test_sparklines_put_each_hour_in_its_place_and_none_where_nothing_was_measured():
    measured = AIModelFactory(slug="measured")
    AIModelFactory(slug="quiet")  # a model without rollups
    hour = _database_bucket("1 hour")
    _five_minutes(measured.id, "us-east", hour, 90, p95=400)
    _five_minutes(measured.id, "eu-west", hour, 90, p95=600)
    _five_minutes(measured.id, "us-east", hour - datetime.timedelta(hours=3, minutes=-5), 90, p95=900)
    _five_minutes(measured.id, "us-east", hour - datetime.timedelta(hours=30), 90, p95=1)  # outside the window
    series = latency_by_hour(slugs=["quiet", "measured", "unknown"], hours=6)
    assert list(series) == ["measured", "quiet", "unknown"]
    assert series["measured"] == [None, None, 900.0, None, None, 500.0]
    assert series["quiet"] == series["unknown"] == [None] * 6
