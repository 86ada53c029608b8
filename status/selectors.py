"""Read queries of live status: current state, history from the rollups, uptime."""

import json
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from redis.exceptions import RedisError

from aigo.redis import redis_client
from status.live import locations_key, ranking_key, status_key

RESOLUTIONS = {"5m": ("status_5min", timedelta(minutes=5)), "1h": ("status_hourly", timedelta(hours=1))}
UPTIME_WINDOWS = {
    "24h": timedelta(hours=24),
    "7d": timedelta(days=7),
    "30d": timedelta(days=30),
    "90d": timedelta(days=90),
}


def _number(value: bytes | None) -> float | None:
    return None if value in (None, b"") else float(value)


def status_current(*, model_id, slug: str) -> list[dict]:
    """Per region: the live Redis hash (seconds old), else the newest 5-minute bucket."""
    regions = settings.AIGO_REGIONS
    live: dict[str, dict] = {}
    try:
        with redis_client().pipeline(transaction=False) as pipe:
            for region in regions:
                pipe.hgetall(status_key(slug, region))
            hashes = pipe.execute()
    except RedisError:
        hashes = [{} for _ in regions]
    for region, values in zip(regions, hashes, strict=True):
        if values:
            live[region] = {
                "region": region,
                "availability": _number(values.get(b"availability")),
                "latency_p95": _number(values.get(b"latency_p95")),
                "error_rate": _number(values.get(b"error_rate")),
                "requests_per_minute": _number(values.get(b"rpm")),
                "as_of": values.get(b"last_updated", b"").decode() or None,
                "source": "live",
            }
    missing = [region for region in regions if region not in live]
    if missing:
        # uses the status_5min primary key (model_id, region, bucket)
        with connection.cursor() as cursor:
            cursor.execute(
                """SELECT DISTINCT ON (region) region, avg_availability, avg_latency_p95, avg_error_rate,
                          total_requests / GREATEST(probe_count, 1), bucket
                   FROM status_5min WHERE model_id = %s AND region = ANY(%s)
                   ORDER BY region, bucket DESC""",
                [model_id, missing],
            )
            for region, availability, p95, errors, rpm, bucket in cursor.fetchall():
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


def status_history(*, model_id, resolution: str, start: datetime, end: datetime, region: str | None) -> list[dict]:
    """One point per bucket from start to end for each region; a bucket without data is null."""
    step = timedelta(days=1) if resolution == "1d" else RESOLUTIONS[resolution][1]
    table = "status_hourly" if resolution == "1d" else RESOLUTIONS[resolution][0]
    regions = [region] if region else list(settings.AIGO_REGIONS)
    # uses the rollup's primary key (model_id, region, bucket)
    sql = f"""
        WITH series AS (
            SELECT bucket FROM generate_series(time_bucket(%(step)s, %(start)s), %(end)s, %(step)s) AS bucket
        ),
        data AS (
            SELECT region, time_bucket(%(step)s, bucket) AS bucket, AVG(avg_availability) AS availability,
                   AVG(avg_latency_p95) AS latency_p95, AVG(avg_error_rate) AS error_rate
            FROM (SELECT region, bucket, avg_availability, {
        "avg_latency_p95" if table == "status_5min" else "median_latency_p95 AS avg_latency_p95"
    }, avg_error_rate FROM {table}
                  WHERE model_id = %(model)s AND region = ANY(%(regions)s)
                    AND bucket >= time_bucket(%(step)s, %(start)s) AND bucket <= %(end)s) rows
            GROUP BY region, time_bucket(%(step)s, bucket)
        )
        SELECT r.region, s.bucket, d.availability, d.latency_p95, d.error_rate
        FROM series s CROSS JOIN unnest(%(regions)s::text[]) AS r(region)
        LEFT JOIN data d ON d.region = r.region AND d.bucket = s.bucket
        ORDER BY r.region, s.bucket
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, {"step": step, "start": start, "end": end, "model": model_id, "regions": regions})
        rows = cursor.fetchall()
    return [
        {
            "region": region,
            "bucket": bucket.isoformat(),
            "availability": _round(availability),
            "latency_p95": _round(p95),
            "error_rate": _round(errors),
        }
        for region, bucket, availability, p95, errors in rows
    ]


def status_uptime(*, model_id) -> dict[str, float | None]:
    """Mean availability of the hours with data in each window, all regions together."""
    windows = ", ".join(
        f"AVG(avg_availability) FILTER (WHERE bucket >= now() - INTERVAL '{int(span.total_seconds())} seconds')"
        for span in UPTIME_WINDOWS.values()
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {windows} FROM status_hourly WHERE model_id = %s AND bucket >= now() - INTERVAL '90 days'",
            [model_id],
        )
        values = cursor.fetchone()
    return {name: _round(value) for name, value in zip(UPTIME_WINDOWS, values, strict=True)}


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
    column, order = {
        "availability": ("avg_availability", "DESC"),
        "latency": ("avg_latency_p95", "ASC"),
        "usage": ("total_requests", "DESC"),
    }[by]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT m.slug, AVG(s.{column}) AS score FROM status_5min s JOIN models m ON m.id = s.model_id
                WHERE s.bucket >= now() - INTERVAL '15 minutes' AND s.{column} IS NOT NULL
                GROUP BY m.slug ORDER BY score {order}, m.slug LIMIT %s""",
            [limit],
        )
        return [{"model": slug, "score": round(float(score), 3)} for slug, score in cursor.fetchall()]


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
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'")
        distance = (
            "ST_DistanceSphere(ST_MakePoint(lon, lat), ST_MakePoint(%(lon)s, %(lat)s)) / 1000"
            if cursor.fetchone()
            else "6371 * acos(LEAST(1, sin(radians(lat)) * sin(radians(%(lat)s))"
            " + cos(radians(lat)) * cos(radians(%(lat)s)) * cos(radians(lon - %(lon)s))))"
        )
        cursor.execute(
            f"""WITH locations AS (
                    SELECT DISTINCT ON (probe_location) probe_location,
                           (metadata->>'lat')::float AS lat, (metadata->>'lon')::float AS lon
                    FROM status_probes
                    WHERE time >= now() - INTERVAL '1 day' AND probe_location IS NOT NULL
                      AND metadata ? 'lat' AND metadata ? 'lon'
                    ORDER BY probe_location, time DESC
                )
                SELECT probe_location, {distance} AS km, lat, lon FROM locations ORDER BY km, probe_location
                LIMIT %(limit)s""",
            {"lat": lat, "lon": lon, "limit": limit},
        )
        return [
            {"location": name, "distance_km": round(km, 1), "lat": round(plat, 4), "lon": round(plon, 4)}
            for name, km, plat, plon in cursor.fetchall()
        ]


def status_summary() -> dict[str, int]:
    """How many (model, region) pairs are up, degraded or down in their newest 5-minute bucket
    of the last half hour (the status page's thresholds), and how many models that covers."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*) FILTER (WHERE availability >= 99.9),
                      count(*) FILTER (WHERE availability >= 99 AND availability < 99.9),
                      count(*) FILTER (WHERE availability < 99),
                      count(DISTINCT model_id)
               FROM (SELECT DISTINCT ON (model_id, region) model_id, avg_availability AS availability
                     FROM status_5min WHERE bucket >= now() - INTERVAL '30 minutes'
                     ORDER BY model_id, region, bucket DESC) newest"""
        )
        up, degraded, down, models = cursor.fetchone()
    return {"up": up, "degraded": degraded, "down": down, "models": models}


def status_grid() -> list[dict]:
    """Every model probed in the last half hour with its newest 5-minute bucket per region,
    models with the lowest availability first (problems on top)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT m.slug, m.name, newest.region, newest.availability, newest.latency_p95
               FROM (SELECT DISTINCT ON (model_id, region) model_id, region,
                            avg_availability AS availability, avg_latency_p95 AS latency_p95
                     FROM status_5min WHERE bucket >= now() - INTERVAL '30 minutes'
                     ORDER BY model_id, region, bucket DESC) newest
               JOIN models m ON m.id = newest.model_id"""
        )
        rows = cursor.fetchall()
    models: dict[str, dict] = {}
    for slug, name, region, availability, latency in rows:
        # Django reads jsonb as text through a raw cursor
        entry = models.setdefault(
            slug,
            {
                "slug": slug,
                "name": json.loads(name),
                "regions": {region: {"availability": None, "latency_p95": None} for region in settings.AIGO_REGIONS},
            },
        )
        entry["regions"][region] = {"availability": _round(availability), "latency_p95": _round(latency)}
    for entry in models.values():
        present = [cell["availability"] for cell in entry["regions"].values() if cell["availability"] is not None]
        entry["worst"] = min(present) if present else None
    return sorted(models.values(), key=lambda entry: (entry["worst"] is None, entry["worst"] or 0, entry["slug"]))


def latency_series(*, model_id, start: datetime, end: datetime, step: timedelta, region: str | None) -> list[tuple]:
    """(bucket, p50, p95, p99) per `step` (5 minutes or more) from the 5-minute rollups,
    averaged over the regions (or for one region)."""
    # uses the status_5min primary key (model_id, region, bucket)
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT time_bucket(%(step)s, bucket) AS at,
                      AVG(avg_latency_p50), AVG(avg_latency_p95), AVG(avg_latency_p99)
               FROM status_5min
               WHERE model_id = %(model)s AND bucket >= %(start)s AND bucket <= %(end)s
                 AND (%(region)s::text IS NULL OR region = %(region)s)
               GROUP BY at ORDER BY at""",
            {"model": model_id, "start": start, "end": end, "step": step, "region": region},
        )
        return [(bucket, _round(p50), _round(p95), _round(p99)) for bucket, p50, p95, p99 in cursor.fetchall()]


def latency_by_hour(*, slugs: list[str], hours: int = 24) -> dict[str, list[float | None]]:
    """Per model: its p95 latency each hour of the last `hours` (None where nothing was
    measured), averaged over regions, oldest first: the status grid's sparklines."""
    with connection.cursor() as cursor:
        cursor.execute(
            """WITH hours AS (
                   SELECT generate_series(time_bucket('1 hour', now()) - (%(hours)s - 1) * INTERVAL '1 hour',
                                          time_bucket('1 hour', now()), INTERVAL '1 hour') AS hour
               ),
               measured AS (
                   SELECT m.slug, time_bucket('1 hour', s.bucket) AS hour, AVG(s.avg_latency_p95) AS p95
                   FROM status_5min s JOIN models m ON m.id = s.model_id
                   WHERE m.slug = ANY(%(slugs)s) AND s.bucket >= now() - %(hours)s * INTERVAL '1 hour'
                   GROUP BY m.slug, time_bucket('1 hour', s.bucket)
               )
               SELECT wanted.slug, hours.hour, measured.p95
               FROM unnest(%(slugs)s::text[]) AS wanted(slug) CROSS JOIN hours
               LEFT JOIN measured ON measured.slug = wanted.slug AND measured.hour = hours.hour
               ORDER BY wanted.slug, hours.hour""",
            {"slugs": slugs, "hours": hours},
        )
        series: dict[str, list[float | None]] = {}
        for slug, _hour, p95 in cursor.fetchall():
            series.setdefault(slug, []).append(_round(p95))
    return series
