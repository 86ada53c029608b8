"""Read queries of live status: current state, history from the rollups, uptime.

The rollups are read through unmanaged models (status.models) with django-timescaledb's
TimeBucket, which compiles to time_bucket(): TimescaleDB's own, or the stand-in that the native
engine's migration installs (date_bin with TimescaleDB's origin), so one query serves both.
"""

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.functions import TransactionNow
from django.db import connection
from django.db.models import Avg, F, Q, QuerySet
from django.db.models.functions import Greatest
from psycopg import sql
from redis.exceptions import RedisError
from timescale.db.models.expressions import TimeBucket

from aigo.redis import redis_client
from status.live import live_state_read, locations_key, ranking_key
from status.models import FiveMinuteRollup, HourlyRollup

HOUR = timedelta(hours=1)
RESOLUTIONS = {
    "5m": (FiveMinuteRollup, timedelta(minutes=5)),
    "1h": (HourlyRollup, HOUR),
    "1d": (HourlyRollup, timedelta(days=1)),
}
UPTIME_WINDOWS = {
    "24h": timedelta(hours=24),
    "7d": timedelta(days=7),
    "30d": timedelta(days=30),
    "90d": timedelta(days=90),
}
# The status page's thresholds: numeric like the column, so a bucket compares exactly as in SQL.
UP = Decimal("99.9")
DEGRADED = Decimal("99")
# time_bucket()'s origin for widths up to a day, on both engines (a Monday, 2000-01-03 UTC).
BUCKET_ORIGIN = datetime(2000, 1, 3, tzinfo=UTC)


def status_current(*, model_id, slug: str) -> list[dict]:
    """Per region: the live Redis hash (seconds old), else the newest 5-minute bucket."""
    regions = settings.AIGO_REGIONS
    live = {
        region: {"region": region, **values, "source": "live"}
        for (_slug, region), values in live_state_read([slug], regions).items()
    }
    missing = [region for region in regions if region not in live]
    if missing:
        newest = (
            # uses the status_5min primary key (model_id, region, bucket)
            FiveMinuteRollup.objects.filter(model_id=model_id, region__in=missing)
            .order_by("region", "-bucket")
            .distinct("region")
            .values_list(
                "region",
                "avg_availability",
                "avg_latency_p95",
                "avg_error_rate",
                F("total_requests") / Greatest("probe_count", 1),
                "bucket",
            )
        )
        for region, availability, p95, errors, rpm, bucket in newest:
            live[region] = {
                "region": region,
                "availability": _round(availability),
                "latency_p95": _round(p95),
                "error_rate": _round(errors),
                "requests_per_minute": _round(rpm),
                "as_of": bucket.isoformat(),
                "source": "rollup",
            }
    return [live[region] for region in regions if region in live]


def _round(value) -> float | None:
    return None if value is None else round(float(value), 3)


def _bucket_start(at: datetime, step: timedelta) -> datetime:
    """time_bucket(step, at), in Python."""
    return BUCKET_ORIGIN + (at - BUCKET_ORIGIN) // step * step


def _buckets(first: datetime, end: datetime, step: timedelta) -> list[datetime]:
    """generate_series(first, end, step), in Python."""
    return [first + index * step for index in range((end - first) // step + 1)] if end >= first else []


def status_history(*, model_id, resolution: str, start: datetime, end: datetime, region: str | None) -> list[dict]:
    """One point per bucket from start to end for each region; a bucket without data is null."""
    rollup, step = RESOLUTIONS[resolution]
    regions = [region] if region else list(settings.AIGO_REGIONS)
    first = _bucket_start(start, step)
    latency = "avg_latency_p95" if rollup is FiveMinuteRollup else "median_latency_p95"
    measured = (
        # uses the rollup's primary key (model_id, region, bucket)
        rollup.objects.filter(model_id=model_id, region__in=regions, bucket__gte=first, bucket__lte=end)
        .values_list("region", TimeBucket("bucket", step))
        .annotate(Avg("avg_availability"), Avg(latency), Avg("avg_error_rate"))
    )
    points = {(region, at): tuple(map(_round, values)) for region, at, *values in measured}
    series = [(at, at.isoformat()) for at in _buckets(first, end, step)]
    # Gaps are filled here, from the bucket series, on both engines. TimescaleDB's
    # time_bucket_gapfill() is a planner node of the extension that adds rows to a GROUP BY: a
    # SQL function on the native engine can only map a row to its bucket, never add rows for
    # buckets that have none. And even with TimescaleDB it fills only groups that have rows
    # (timescaledb#2578), while a region without any data must still get its row of nulls.
    return [
        _point(region, bucket, *points.get((region, at), (None, None, None)))
        for region in sorted(regions)  # as ORDER BY region sorted these ASCII names
        for at, bucket in series
    ]


def _point(region: str, bucket: str, availability: float | None, p95: float | None, errors: float | None) -> dict:
    return {"region": region, "bucket": bucket, "availability": availability, "latency_p95": p95, "error_rate": errors}


def status_uptime(*, model_id) -> dict[str, float | None]:
    """Mean availability of the hours with data in each window, all regions together."""
    now = TransactionNow()
    # uses the status_hourly primary key (model_id, region, bucket)
    windows = HourlyRollup.objects.filter(model_id=model_id, bucket__gte=now - UPTIME_WINDOWS["90d"]).aggregate(
        **{name: Avg("avg_availability", filter=Q(bucket__gte=now - span)) for name, span in UPTIME_WINDOWS.items()}
    )
    return {name: _round(windows[name]) for name in UPTIME_WINDOWS}


def status_rankings(*, by: str, limit: int) -> list[dict]:
    """Models by live availability (best first) or p95 latency (fastest first) from Redis."""
    key = ranking_key(by)
    try:
        client = redis_client()
        rows = (
            client.zrevrange(key, 0, limit - 1, withscores=True)
            if by in ("availability", "usage")
            else client.zrange(key, 0, limit - 1, withscores=True)
        )
    except RedisError:
        return _rankings_from_rollups(by=by, limit=limit)
    return [{"model": member.decode(), "score": round(score, 3)} for member, score in rows]


def _rankings_from_rollups(*, by: str, limit: int) -> list[dict]:
    """The same ranking from the last 15 minutes of 5-minute buckets (Redis down)."""
    column, best_first = {
        "availability": ("avg_availability", True),
        "latency": ("avg_latency_p95", False),
        "usage": ("total_requests", True),
    }[by]
    ranked = (
        FiveMinuteRollup.objects.filter(bucket__gte=TransactionNow() - timedelta(minutes=15))
        .filter(**{f"{column}__isnull": False})
        .values("model__slug")
        .annotate(score=Avg(column))
        .order_by(F("score").desc() if best_first else F("score").asc(), "model__slug")
    )[:limit]
    return [{"model": row["model__slug"], "score": round(float(row["score"]), 3)} for row in ranked]


def probe_locations_nearest(*, lat: float, lon: float, limit: int) -> list[dict]:
    """Probe locations nearest a point: Redis GEO, else the locations probes reported in the last
    day (great-circle distance; PostGIS's ST_DistanceSphere where the server has it)."""
    try:
        rows = redis_client().geosearch(
            locations_key(),
            longitude=lon,
            latitude=lat,
            radius=20_038,
            unit="km",
            sort="ASC",
            count=limit,
            withdist=True,
            withcoord=True,
        )
        if rows:
            return [
                {
                    "location": name.decode(),
                    "distance_km": round(distance, 1),
                    "lat": round(coord[1], 4),
                    "lon": round(coord[0], 4),
                }
                for name, distance, coord in rows
            ]
    except RedisError:
        pass
    return _nearest_from_probes(lat=lat, lon=lon, limit=limit)


def _nearest_from_probes(*, lat: float, lon: float, limit: int) -> list[dict]:
    # Composed SQL: raw probes have no model (only this fallback reads them), and the distance is
    # one of two SQL expressions.
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'")
        distance = sql.SQL(
            "ST_DistanceSphere(ST_MakePoint(lon, lat), ST_MakePoint(%(lon)s, %(lat)s)) / 1000"
            if cursor.fetchone()
            else "6371 * acos(LEAST(1, sin(radians(lat)) * sin(radians(%(lat)s))"
            " + cos(radians(lat)) * cos(radians(%(lat)s)) * cos(radians(lon - %(lon)s))))"
        )
        cursor.execute(
            sql.SQL("""WITH locations AS (
                    SELECT DISTINCT ON (probe_location) probe_location,
                           (metadata->>'lat')::float AS lat, (metadata->>'lon')::float AS lon
                    FROM status_probes
                    WHERE time >= now() - INTERVAL '1 day' AND probe_location IS NOT NULL
                      AND metadata ? 'lat' AND metadata ? 'lon'
                    ORDER BY probe_location, time DESC
                )
                SELECT probe_location, {distance} AS km, lat, lon FROM locations ORDER BY km, probe_location
                LIMIT %(limit)s""").format(distance=distance),
            {"lat": lat, "lon": lon, "limit": limit},
        )
        return [
            {"location": name, "distance_km": round(km, 1), "lat": round(plat, 4), "lon": round(plon, 4)}
            for name, km, plat, plon in cursor.fetchall()
        ]


def _newest_buckets() -> QuerySet[FiveMinuteRollup]:
    """Each (model, region)'s newest 5-minute bucket of the last half hour."""
    # uses index status_5min_bucket (bucket) on the native engine, the hypertable's on TimescaleDB
    recent = FiveMinuteRollup.objects.filter(bucket__gte=TransactionNow() - timedelta(minutes=30))
    return recent.order_by("model_id", "region", "-bucket").distinct("model_id", "region")


def status_summary() -> dict[str, int]:
    """How many (model, region) pairs are up, degraded or down in their newest 5-minute bucket
    of the last half hour (the status page's thresholds), and how many models that covers."""
    rows = _newest_buckets().values_list("model_id", "avg_availability")
    summary = {"up": 0, "degraded": 0, "down": 0}
    models = set()
    for model_id, availability in rows:
        models.add(model_id)
        if availability is not None:  # as SQL's filters leave nulls out of every count
            summary["up" if availability >= UP else "degraded" if availability >= DEGRADED else "down"] += 1
    return {**summary, "models": len(models)}


GRID_NAMES = ("availability", "latency_p95")


def status_grid() -> list[dict]:
    """Every model probed in the last half hour with, per region, its live value (seconds old)
    where Redis holds one, else its newest 5-minute bucket; models with the lowest availability
    first (problems on top)."""
    rows = _newest_buckets().values_list("model__slug", "model__name", "region", "avg_availability", "avg_latency_p95")
    models: dict[str, dict] = {}
    for slug, name, region, availability, latency in rows:
        entry = models.setdefault(
            slug,
            {
                "slug": slug,
                "name": name,
                "regions": {region: {"availability": None, "latency_p95": None} for region in settings.AIGO_REGIONS},
            },
        )
        entry["regions"][region] = {"availability": _round(availability), "latency_p95": _round(latency)}
    for (slug, region), live in live_state_read(list(models), settings.AIGO_REGIONS, GRID_NAMES).items():
        models[slug]["regions"][region] = {name: _round(live[name]) for name in GRID_NAMES}
    for entry in models.values():
        present = [cell["availability"] for cell in entry["regions"].values() if cell["availability"] is not None]
        entry["worst"] = min(present) if present else None
    return sorted(models.values(), key=lambda entry: (entry["worst"] is None, entry["worst"] or 0, entry["slug"]))


def latency_series(*, model_id, start: datetime, end: datetime, step: timedelta, region: str | None) -> list[tuple]:
    """(bucket, p50, p95, p99) per `step` (5 minutes or more) from the 5-minute rollups,
    averaged over the regions (or for one region)."""
    # uses the status_5min primary key (model_id, region, bucket)
    rows = FiveMinuteRollup.objects.filter(model_id=model_id, bucket__gte=start, bucket__lte=end)
    if region is not None:
        rows = rows.filter(region=region)
    series = (
        rows.values(at=TimeBucket("bucket", step))
        .annotate(p50=Avg("avg_latency_p50"), p95=Avg("avg_latency_p95"), p99=Avg("avg_latency_p99"))
        .order_by("at")
    )
    return [(row["at"], _round(row["p50"]), _round(row["p95"]), _round(row["p99"])) for row in series]


def latency_by_hour(*, slugs: list[str], hours: int = 24) -> dict[str, list[float | None]]:
    """Per model: its p95 latency each hour of the last `hours` (None where nothing was
    measured), averaged over regions, oldest first: the status grid's sparklines."""
    now = TransactionNow()
    measured = (
        FiveMinuteRollup.objects.filter(model__slug__in=slugs, bucket__gte=now - hours * HOUR)
        # How many hours before the database's current hour: the clock the window is cut by.
        .values("model__slug", age=TimeBucket(now, HOUR) - TimeBucket("bucket", HOUR))
        .annotate(p95=Avg("avg_latency_p95"))
    )
    # Hours without data stay None: filled here, like status_history's gaps (see there why).
    series: dict[str, list[float | None]] = {slug: [None] * hours for slug in sorted(slugs)}
    for row in measured:
        hours_ago = row["age"] // HOUR
        if 0 <= hours_ago < hours:
            series[row["model__slug"]][hours - 1 - hours_ago] = _round(row["p95"])
    return series


def status_of_models(*, model_ids) -> dict[str, dict]:
    """Per model probed in the last half hour (str id): availability and p95 latency of its newest
    5-minute buckets, averaged over its regions. One query, for pages listing many models."""
    rows = (
        _newest_buckets()
        .filter(model_id__in=list(model_ids))
        .values_list("model_id", "avg_availability", "avg_latency_p95")
    )
    by_model: dict[str, list[tuple]] = {}
    for model_id, availability, latency in rows:
        by_model.setdefault(str(model_id), []).append((availability, latency))
    return {
        model_id: {"availability": _mean(row[0] for row in values), "latency_p95": _mean(row[1] for row in values)}
        for model_id, values in by_model.items()
    }


def _mean(values: Iterable[Decimal | None]) -> float | None:
    """AVG() of a column: nulls left out, None when nothing is left."""
    present = [value for value in values if value is not None]
    return _round(sum(present) / len(present)) if present else None
