"""Synthetic probe data for development and demos: pure generation, no database.

Every value is a function of (seed, model, region, location, time) alone, so overlapping
windows and re-runs produce the same rows (and ingestion's dedupe stores them once). Outages
and error bursts are scheduled per (seed, model, UTC day), independent of the window asked for.
"""

import math
import random
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class ProbeLocation:
    name: str
    city: str
    lat: float | None
    lon: float | None
    tz: str


LOCATIONS: dict[str, tuple[ProbeLocation, ...]] = {
    "us-east": (
        ProbeLocation("iad-1", "Ashburn", 39.04, -77.49, "America/New_York"),
        ProbeLocation("nyc-1", "New York", 40.71, -74.01, "America/New_York"),
    ),
    "us-west": (
        ProbeLocation("sfo-1", "San Francisco", 37.77, -122.42, "America/Los_Angeles"),
        ProbeLocation("sea-1", "Seattle", 47.61, -122.33, "America/Los_Angeles"),
    ),
    "eu-west": (
        ProbeLocation("fra-1", "Frankfurt", 50.11, 8.68, "Europe/Berlin"),
        ProbeLocation("ams-1", "Amsterdam", 52.37, 4.90, "Europe/Amsterdam"),
        ProbeLocation("lon-1", "London", 51.51, -0.13, "Europe/London"),
    ),
    "asia-east": (
        ProbeLocation("tyo-1", "Tokyo", 35.68, 139.69, "Asia/Tokyo"),
        ProbeLocation("hkg-1", "Hong Kong", 22.32, 114.17, "Asia/Hong_Kong"),
    ),
    "asia-se": (ProbeLocation("sin-1", "Singapore", 1.35, 103.82, "Asia/Singapore"),),
}
# Relative traffic per region; a region configured in AIGO_REGIONS but unknown here gets 0.5.
REGION_SHARE = {"us-east": 1.0, "us-west": 0.7, "eu-west": 0.8, "asia-east": 0.5, "asia-se": 0.3}

# (status code, error type, share of the errors) per situation.
ERROR_MIX = {
    "normal": (
        ("429", "rate_limit", 0.4),
        ("500", "server_error", 0.3),
        ("503", "overloaded", 0.2),
        ("504", "timeout", 0.1),
    ),
    "outage": (("503", "overloaded", 0.6), ("500", "server_error", 0.3), ("504", "timeout", 0.1)),
    "rate_limit": (("429", "rate_limit", 0.85), ("503", "overloaded", 0.15)),
    "server": (("500", "server_error", 0.5), ("503", "overloaded", 0.5)),
}


def locations_for(region: str) -> tuple[ProbeLocation, ...]:
    """The named probe points of a region; one without coordinates for a region not listed above."""
    return LOCATIONS.get(region) or (ProbeLocation(f"{region}-1", region, None, None, "UTC"),)


def _key(*parts: object) -> int:
    """A stable integer for seeding (hash() of a str changes per process)."""
    return zlib.crc32(":".join(map(str, parts)).encode())


def floor_time(when: datetime, step: timedelta) -> datetime:
    return EPOCH + (when - EPOCH) // step * step


def time_slots(start: datetime, end: datetime, step: timedelta) -> list[datetime]:
    """The multiples of `step` (since the epoch) in [start, end): fixed points, so re-runs hit the same times."""
    first = floor_time(start, step)
    if first < start:
        first += step
    count = max(0, math.ceil((end - first) / step))
    return [first + step * index for index in range(count)]


def models_pick(candidates: Sequence[tuple[str, int]], count: int, seed: int) -> list[str]:
    """`count` slugs from (slug, tier) candidates: lower tiers first, a seeded shuffle within a tier."""
    rng = random.Random(_key(seed, "models"))
    picked: list[str] = []
    for tier in sorted({tier for _, tier in candidates}):
        slugs = sorted(slug for slug, slug_tier in candidates if slug_tier == tier)
        rng.shuffle(slugs)
        picked += slugs[: count - len(picked)]
        if len(picked) >= count:
            break
    return picked


@dataclass(frozen=True)
class Event:
    kind: str  # "outage", "rate_limit" or "server"
    start: datetime
    end: datetime
    region: str | None  # None: every region
    level: float  # availability during an outage, error rate during a burst


@dataclass(frozen=True)
class ModelTraits:
    p50: float  # ms
    tail: float  # p95 / p50
    rpm: float
    tokens_per_request: float
    region_ms: dict[str, float]  # network distance per region


class Simulator:
    def __init__(self, *, models: Sequence[str], regions: Sequence[str], seed: int, interval: timedelta):
        self.models = list(models)
        self.regions = list(regions)
        self.seed = seed
        self.interval = interval
        self.series = [
            (model, region, location, _key(seed, model, region, location.name))
            for model in self.models
            for region in self.regions
            for location in locations_for(region)
        ]

    @property
    def locations(self) -> list[ProbeLocation]:
        return [location for region in self.regions for location in locations_for(region)]

    def count(self, start: datetime, end: datetime) -> int:
        return len(time_slots(start, end, self.interval)) * len(self.series)

    def probes(self, start: datetime, end: datetime) -> Iterator[dict]:
        """One probe per (model, region, location) at every interval slot in [start, end), in time order."""
        for when in time_slots(start, end, self.interval):
            yield from self.probes_at(when)

    def probes_at(self, when: datetime) -> Iterator[dict]:
        stamp = when.astimezone(UTC).isoformat()
        minute = int((when - EPOCH).total_seconds()) // 60
        waves = {}  # per time zone: the day's load curve, -1 at 03:00 local, +1 at 15:00
        for model, region, location, series_key in self.series:
            if (wave := waves.get(location.tz)) is None:
                local = when.astimezone(_zone(location.tz))
                wave = waves[location.tz] = math.sin(2 * math.pi * (local.hour + local.minute / 60 - 9) / 24)
            yield self._probe(model, region, location, when, stamp, wave, random.Random((series_key << 32) | minute))

    def _probe(
        self, model: str, region: str, location: ProbeLocation, when: datetime, stamp: str, wave: float, rng
    ) -> dict:
        traits = self.traits(model)
        event = self.event_at(model, region, when)
        load = 1 + 0.45 * wave
        p50 = (traits.p50 * (1 + 0.18 * wave) + traits.region_ms.get(region, 80)) * rng.lognormvariate(0, 0.07)
        rpm = traits.rpm * REGION_SHARE.get(region, 0.5) * load * rng.lognormvariate(0, 0.1)
        if event is None:
            mix = "normal"
            availability = 100.0 if rng.random() < 0.4 else max(99.0, 100 - rng.expovariate(1 / 0.12))
            error_rate = min(1.0, rng.expovariate(1 / 0.08))
        elif event.kind == "outage":
            mix = "outage"
            availability = min(60.0, max(0.0, event.level + rng.gauss(0, 4)))
            error_rate = max(0.0, 100 - availability - rng.uniform(0, 5))
            p50 *= rng.uniform(1.5, 3)
            rpm *= 0.4 + availability / 200
        else:
            mix = event.kind
            error_rate = min(100.0, max(1.0, event.level + rng.gauss(0, 2)))
            availability = max(95.0, 100 - error_rate * rng.uniform(0.05, 0.2))
            p50 *= rng.uniform(1.1, 1.6)
        p95 = p50 * traits.tail * rng.lognormvariate(0, 0.05)
        p99 = p95 * rng.uniform(1.25, 1.6)
        rpm = max(0, round(rpm))
        errors = round(rpm * error_rate / 100)
        codes, types, left = {"200": rpm - errors}, {}, errors
        shares = ERROR_MIX[mix]
        for index, (code, error_type, share) in enumerate(shares):
            count = left if index == len(shares) - 1 else min(left, round(errors * share * rng.uniform(0.7, 1.3)))
            left -= count
            if count:
                codes[code] = count
                types[error_type] = types.get(error_type, 0) + count
        metadata = {"city": location.city, "simulated": True}
        if location.lat is not None:
            metadata |= {"lat": location.lat, "lon": location.lon}
        return {
            "time": stamp,
            "model": model,
            "region": region,
            "probe_location": location.name,
            "availability": round(availability, 2),
            "latency_p50": max(1, round(p50)),
            "latency_p95": max(1, round(p95)),
            "latency_p99": max(1, round(p99)),
            "error_rate": round(error_rate, 2),
            "error_types": types,
            "requests_per_minute": rpm,
            "tokens_per_minute": round(rpm * traits.tokens_per_request * rng.lognormvariate(0, 0.08)),
            "status_code_distribution": codes,
            "metadata": metadata,
        }

    def traits(self, model: str) -> ModelTraits:
        return _traits(self.seed, model, tuple(self.regions))

    def event_at(self, model: str, region: str, when: datetime) -> Event | None:
        """The outage (first) or error burst covering this probe, if any."""
        day = when.astimezone(UTC).date()
        found = None
        for events in (self.events(model, day - timedelta(days=1)), self.events(model, day)):
            for event in events:
                if event.start <= when < event.end and event.region in (None, region):
                    if event.kind == "outage":
                        return event
                    found = found or event
        return found

    def events(self, model: str, day: date) -> tuple[Event, ...]:
        return _events(self.seed, model, day, tuple(self.regions))


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


@cache
def _traits(seed: int, model: str, regions: tuple[str, ...]) -> ModelTraits:
    rng = random.Random(_key(seed, "traits", model))
    return ModelTraits(
        p50=rng.uniform(250, 1400),
        tail=rng.uniform(1.8, 2.6),
        rpm=10 ** rng.uniform(2.3, 4.3),
        tokens_per_request=rng.uniform(300, 2500),
        region_ms={region: random.Random(_key(seed, "distance", model, region)).uniform(5, 180) for region in regions},
    )


@cache
def _events(seed: int, model: str, day: date, regions: tuple[str, ...]) -> tuple[Event, ...]:
    """About 0.4 outages (15-90 min at 0-60 %) and 1 error burst (5-40 min) per model and day."""
    rng = random.Random(_key(seed, "events", model, day.isoformat()))
    midnight = datetime(day.year, day.month, day.day, tzinfo=UTC)
    events = []
    for _ in range(4):
        if rng.random() < 0.1:
            start = midnight + timedelta(minutes=rng.randrange(1440))
            region = None if rng.random() < 0.35 else rng.choice(regions)
            duration = timedelta(minutes=rng.randint(15, 90))
            events.append(Event("outage", start, start + duration, region, rng.uniform(0, 60)))
    for _ in range(2):
        if rng.random() < 0.5:
            start = midnight + timedelta(minutes=rng.randrange(1440))
            kind = "rate_limit" if rng.random() < 0.6 else "server"
            duration = timedelta(minutes=rng.randint(5, 40))
            events.append(Event(kind, start, start + duration, rng.choice(regions), rng.uniform(3, 30)))
    return tuple(events)
