"""simulate_probes and status.simulation: synthetic probes through the ingestion service."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from aigo.redis import redis_client
from status.ingest import probes_validate
from status.live import status_key
from status.management.commands import simulate_probes
from status.simulation import Simulator, locations_for, models_pick, time_slots
from tests.catalog.factories import AIModelFactory

from .rollups import rolled_up_probes

SMALL = {"models": 3, "regions": 2, "days": 1, "interval_minutes": 30, "seed": 7}
# 48 half-hour slots x 3 models x (2 + 2 locations in us-east and us-west)
SMALL_ROWS = 48 * 3 * 4
START = datetime(2025, 3, 3, tzinfo=UTC)


def _count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed table names
        return cursor.fetchone()[0]


def _run(**options) -> str:
    out = io.StringIO()
    call_command("simulate_probes", stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


@pytest.fixture
def catalog():
    own = [AIModelFactory(slug=slug, foundation_model=slug) for slug in ("gpt-4o", "claude-3-5-sonnet", "gemini-2")]
    AIModelFactory(slug="someone-elses-gpt-4o", foundation_model="gpt-4o")
    AIModelFactory(slug="retired", foundation_model="retired", is_active=False)
    return own


@pytest.fixture
def frozen_now(monkeypatch):
    """One clock for both runs, so a slot boundary passing between them cannot shift the window."""
    now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: now)
    return now


def _simulated(days: int = 7, models=("m-a", "m-b", "m-c"), seed: int = 1) -> list[dict]:
    simulator = Simulator(models=models, regions=["us-east", "eu-west"], seed=seed, interval=timedelta(minutes=5))
    return list(simulator.probes(START, START + timedelta(days=days)))


# status.simulation: pure generation


def test_simulation_yields_one_probe_per_model_region_location_and_slot():
    probes = _simulated(days=1)
    assert len(probes) == 288 * 3 * (2 + 3)
    assert {probe["probe_location"] for probe in probes} == {"iad-1", "nyc-1", "fra-1", "ams-1", "lon-1"}
    keys = {(p["time"], p["model"], p["region"], p["probe_location"]) for p in probes}
    assert len(keys) == len(probes)
    assert probes[0]["time"] == "2025-03-03T00:00:00+00:00"
    iad = next(p for p in probes if p["probe_location"] == "iad-1")
    assert iad["metadata"] == {"city": "Ashburn", "simulated": True, "lat": 39.04, "lon": -77.49}


def test_simulation_values_stay_within_the_valid_ranges():
    for probe in _simulated():
        assert 0 <= probe["availability"] <= 100
        assert 0 <= probe["error_rate"] <= 100
        assert 1 <= probe["latency_p50"] <= probe["latency_p95"] <= probe["latency_p99"] < 60_000
        assert probe["requests_per_minute"] >= 0 and probe["tokens_per_minute"] >= 0
        codes = probe["status_code_distribution"]
        assert sum(codes.values()) == probe["requests_per_minute"]
        assert all(count > 0 for code, count in codes.items() if code != "200")
        assert sum(probe["error_types"].values()) == probe["requests_per_minute"] - codes["200"]


def test_simulation_is_mostly_healthy_with_outages_and_error_bursts_in_a_week():
    probes = _simulated()
    healthy = [p for p in probes if p["availability"] >= 99]
    assert len(healthy) / len(probes) > 0.95
    outages = [p for p in probes if p["availability"] <= 60]
    assert outages, "a week of three models has at least one outage"
    assert all(p["error_rate"] > 30 and {"500", "503"} & p["status_code_distribution"].keys() for p in outages)
    bursts = [p for p in probes if 60 < p["availability"] < 99.5 and p["error_rate"] >= 1]
    assert bursts and any("429" in p["status_code_distribution"] for p in bursts)


def test_simulation_outages_last_15_to_90_minutes_a_few_per_week():
    simulator = Simulator(models=["m-a"], regions=["us-east"], seed=3, interval=timedelta(minutes=5))
    outages = [
        event
        for day in range(28)
        for event in simulator.events("m-a", (START + timedelta(days=day)).date())
        if event.kind == "outage"
    ]
    assert 4 <= len(outages) <= 24  # about 0.4 a day
    assert all(timedelta(minutes=15) <= event.end - event.start <= timedelta(minutes=90) for event in outages)
    assert all(0 <= event.level <= 60 for event in outages)


def test_simulation_latency_follows_the_local_day():
    probes = [p for p in _simulated() if p["probe_location"] == "iad-1" and p["availability"] >= 99]

    def mean_p50(local_hour: int) -> float:  # Ashburn is UTC-5 in March before DST
        utc_hour = (local_hour + 5) % 24
        values = [p["latency_p50"] for p in probes if datetime.fromisoformat(p["time"]).hour == utc_hour]
        return sum(values) / len(values)

    assert mean_p50(15) > mean_p50(3) * 1.1


def test_simulation_is_deterministic_and_independent_of_the_window():
    week = _simulated(days=2)
    assert week == _simulated(days=2)
    simulator = Simulator(
        models=["m-a", "m-b", "m-c"], regions=["us-east", "eu-west"], seed=1, interval=timedelta(minutes=5)
    )
    later = list(simulator.probes(START + timedelta(hours=30), START + timedelta(hours=31)))
    by_key = {(p["time"], p["model"], p["probe_location"]): p for p in week}
    assert later and all(by_key[(p["time"], p["model"], p["probe_location"])] == p for p in later)
    assert _simulated(days=1, seed=2) != _simulated(days=1, seed=1)


def test_time_slots_are_aligned_and_half_open():
    step = timedelta(minutes=30)
    slots = time_slots(START + timedelta(minutes=10), START + timedelta(hours=2), step)
    assert slots == [START + timedelta(minutes=minutes) for minutes in (30, 60, 90)]


def test_models_pick_prefers_lower_tiers_and_follows_the_seed():
    candidates = [("own-a", 0), ("own-b", 0), ("old", 1), ("reseller-a", 2), ("reseller-b", 2)]
    assert set(models_pick(candidates, 2, seed=1)) == {"own-a", "own-b"}
    assert models_pick(candidates, 3, seed=1)[2] == "old"
    assert models_pick(candidates, 4, seed=5) == models_pick(candidates, 4, seed=5)
    assert len(models_pick(candidates, 10, seed=1)) == 5
    assert len({tuple(models_pick(candidates[3:], 1, seed=seed)) for seed in range(20)}) == 2


def test_unknown_region_gets_a_location_without_coordinates():
    (location,) = locations_for("mars-1")
    assert location.name == "mars-1-1" and location.lat is None


# simulate_probes: through probes_ingest


@pytest.mark.django_db
def test_simulated_probes_pass_ingestion_validation(catalog):
    simulator = Simulator(
        models=[m.slug for m in catalog], regions=["us-east", "asia-se"], seed=1, interval=timedelta(hours=1)
    )
    now = timezone.now()
    valid, errors = probes_validate(list(simulator.probes(now - timedelta(days=2), now)))
    assert errors == [] and len(valid.rows) == 48 * 3 * 3


@pytest.mark.django_db
def test_simulate_probes_stores_rows_and_fills_the_rollups(catalog, frozen_now):
    output = _run(**SMALL)

    assert _count("status_probes") == SMALL_ROWS
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT m.slug FROM status_probes p JOIN models m ON m.id = p.model_id")
        assert {row[0] for row in cursor.fetchall()} == {m.slug for m in catalog}  # the makers' own, active ones
        cursor.execute("SELECT DISTINCT region FROM status_probes")
        assert {row[0] for row in cursor.fetchall()} == {"us-east", "us-west"}
        cursor.execute("SELECT max(time) FROM status_probes")
        assert cursor.fetchone()[0] <= frozen_now
    assert _count("status_5min") == 48 * 3 * 2
    assert _count("status_hourly") > 0
    assert rolled_up_probes() == SMALL_ROWS
    assert f"{SMALL_ROWS} probes, seed 7" in output
    assert "day 1/1" in output and "rows/s" in output
    assert f"Done: {SMALL_ROWS:,} stored, 0 duplicates" in output


@pytest.mark.django_db
def test_simulate_probes_rerun_stores_nothing_twice(catalog, frozen_now):
    _run(**SMALL)
    output = _run(**SMALL)

    assert _count("status_probes") == SMALL_ROWS
    assert f"Done: 0 stored, {SMALL_ROWS:,} duplicates" in output


@pytest.mark.django_db
def test_simulate_probes_reports_one_line_per_day(catalog):
    output = _run(models=1, regions=1, days=3, interval_minutes=60, seed=1)

    assert [line.split()[1] for line in output.splitlines() if line.startswith("day ")] == ["1/3", "2/3", "3/3"]
    assert _count("status_probes") == 3 * 24 * 2


@pytest.mark.django_db
def test_simulate_probes_live_sends_rounds_until_ctrl_c(catalog, monkeypatch, django_capture_on_commit_callbacks):
    rounds = []

    def sleep(seconds):
        rounds.append(seconds)
        if len(rounds) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(simulate_probes, "sleep", sleep)
    with django_capture_on_commit_callbacks(execute=True):
        output = _run(models=1, regions=1, days=0, interval_minutes=5, seed=1, live=True, live_interval_seconds=15)

    assert "over 0 day(s): 2 probes" in output  # --days 0: the current slot only (iad-1, nyc-1)
    assert "Live: one round every 15 s" in output
    assert output.count("live ") >= 2
    assert "Interrupted:" in output and "Traceback" not in output
    assert all(0 <= seconds <= 15 for seconds in rounds)
    slug = models_pick([(m.slug, 0) for m in catalog], 1, seed=1)[0]
    assert redis_client().hget(status_key(slug, "us-east"), "availability") is not None
    assert _count("status_probes") > 0 and rolled_up_probes() == _count("status_probes")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "options",
    [{"regions": 99}, {"models": 0}, {"days": 365}, {"interval_minutes": 0}],
)
def test_simulate_probes_refuses_bad_options(catalog, options):
    with pytest.raises(CommandError):
        _run(**options)


@pytest.mark.django_db
def test_simulate_probes_needs_a_catalog():
    with pytest.raises(CommandError, match="No active models"):
        _run(**SMALL)
