"""The live status in Redis (the seed's "Redis Data Structures"), written in one pipeline.

    status:{model}:{region}      hash of the newest probe (availability, latency_p95, error_rate,
                                 rpm, last_updated), expiring 30 s after its last refresh
    models:by:availability       sorted sets, member = model slug; a model probed in several
    models:by:latency            regions scores the MEAN over the regions of this update (for
    models:by:usage              rebuild_redis: every region probed in the live window)
    probes:locations             GEO set of probe locations, from metadata.lat / metadata.lon
    status:updates:{model}       pub/sub channel: one JSON message per model and update

Probes older than LIVE_WINDOW are not "live": a backfill stores its rows but leaves this alone.
Redis is a copy: when it is down, the caller is told (False) and the rows are safe in PostgreSQL.
Each update that shows a new value drops the cached responses of kind "status" (the status pages).
"""

import json
import logging
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

from django.db import connection
from django.dispatch import Signal
from django.utils import timezone
from psycopg import sql
from redis.exceptions import RedisError

from aigo.api.cache import response_cache
from aigo.redis import is_cluster, redis_client, rkey
from catalog.models import AIModel

log = logging.getLogger(__name__)

STATUS_TTL = 30
CACHE_KIND = "status"  # the response cache's kind of every page or response showing live status
# Sent after an update that showed a new value dropped the cached status pages: the site has its
# status overview drawn again (aigo.site.tasks), so its readers need not wait for that render.
status_dropped = Signal()
LIVE_WINDOW = timedelta(minutes=10)
RANKINGS = {"availability": "availability", "latency": "latency_p95", "usage": "requests_per_minute"}

Number = int | float | Decimal | None


class LiveRow(NamedTuple):
    model_slug: str
    region: str
    time: datetime
    availability: Number
    latency_p95: Number
    error_rate: Number
    requests_per_minute: Number
    probe_location: str | None
    lat: float | None
    lon: float | None


def status_key(model_slug: str, region: str) -> str:
    return rkey("status", model_slug, region)


def updates_channel(model_slug: str) -> str:
    return rkey("status", "updates", model_slug)


def ranking_key(name: str) -> str:
    return rkey("models", "by", name)


def locations_key() -> str:
    return rkey("probes", "locations")


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _plain(value: Number) -> int | float | None:
    if value is None or isinstance(value, int):
        return value
    return float(value)


def _mean(values: Iterable[Number]) -> float | None:
    present = [float(value) for value in values if value is not None]
    return sum(present) / len(present) if present else None


def live_state_reachable() -> bool:
    """Whether Redis answers now: what a response can say while its commit (and so the
    on_commit publish) is still ahead of it."""
    try:
        return bool(redis_client().ping())
    except (RedisError, OSError):
        return False


def live_state_publish(rows: Iterable[LiveRow], *, replace_rankings: bool = False) -> bool:
    """Show the newest row of each (model, region) in Redis; False when Redis is unreachable.

    `replace_rankings` empties the sorted sets first (in the same MULTI), for a full rebuild.
    """
    rows = list(rows)
    cutoff = timezone.now() - LIVE_WINDOW
    newest: dict[tuple[str, str], LiveRow] = {}
    points: dict[str, tuple[float, float]] = {}
    for row in rows:
        if row.probe_location is not None and row.lat is not None and row.lon is not None:
            points[row.probe_location] = (float(row.lon), float(row.lat))
        if row.time < cutoff:
            continue
        key = (row.model_slug, row.region)
        if key not in newest or row.time > newest[key].time:
            newest[key] = row
    by_model: dict[str, list[LiveRow]] = {}
    for row in newest.values():
        by_model.setdefault(row.model_slug, []).append(row)
    if not by_model and not points and not replace_rankings:
        return True

    try:
        client = redis_client()
        # One MULTI on a single Redis. On a Redis Cluster these keys live in many slots (one hash
        # per model and region, spread on purpose) and no MULTI spans slots, so the pipeline is
        # plain there: each key's commands still run in order, but a reader may for a moment miss
        # a status hash between its DEL and HSET (and fall back to the 5-minute rollup) or see a
        # rebuild's rankings half filled.
        pipe = client.pipeline(transaction=not is_cluster(client))
        publisher = pipe
        if is_cluster(client):
            # A cluster pipeline refuses PUBLISH. Any one node's PUBLISH reaches subscribers on
            # every node; it is sent after the writes, so a subscriber reading on finds them.
            publisher = client.get_redis_connection(client.get_default_node()).pipeline(transaction=False)
        if replace_rankings:
            for name in RANKINGS:  # one key per DEL: a cluster pipeline sends each to its own node
                pipe.delete(ranking_key(name))
        for (slug, region), row in newest.items():
            fields = {
                "availability": _plain(row.availability),
                "latency_p95": _plain(row.latency_p95),
                "error_rate": _plain(row.error_rate),
                "rpm": _plain(row.requests_per_minute),
                "last_updated": _iso(row.time),
            }
            key = status_key(slug, region)
            pipe.delete(key)  # a field this probe lacks must not keep an older value
            pipe.hset(key, mapping={name: value for name, value in fields.items() if value is not None})
            pipe.expire(key, STATUS_TTL)
        for slug, regions in by_model.items():
            for name, column in RANKINGS.items():
                score = _mean(getattr(row, column) for row in regions)
                if score is not None:
                    pipe.zadd(ranking_key(name), {slug: score})
            message = {
                "model": slug,
                "regions": {
                    row.region: {
                        "availability": _plain(row.availability),
                        "latency_p95": _plain(row.latency_p95),
                        "error_rate": _plain(row.error_rate),
                        "rpm": _plain(row.requests_per_minute),
                        "last_updated": _iso(row.time),
                    }
                    for row in sorted(regions, key=lambda row: row.region)
                },
            }
            publisher.publish(updates_channel(slug), json.dumps(message, separators=(",", ":")))
        if points:
            values = []
            for member, (lon, lat) in points.items():
                values += [lon, lat, member]
            pipe.geoadd(locations_key(), values)
        pipe.execute()
        if publisher is not pipe:
            publisher.execute()
    except (RedisError, OSError) as error:
        log.warning("live status not updated: Redis unavailable (%r)", error)
        return False
    if by_model or replace_rankings:
        # After the writes: a page rendered from the old values was keyed by the old generation.
        response_cache.invalidate(CACHE_KIND)
        for receiver, error in status_dropped.send_robust(sender=None):
            if isinstance(error, Exception):  # the rows and the live values are stored either way
                log.error("after a live status update, %r failed: %r", receiver, error)
    return True


def _number(value: bytes | None) -> float | None:
    return None if value in (None, b"") else float(value)


# What live_state_read() returns, and the hash field each is read from.
LIVE_FIELDS = {
    "availability": "availability",
    "latency_p95": "latency_p95",
    "error_rate": "error_rate",
    "requests_per_minute": "rpm",
    "as_of": "last_updated",
}


def live_state_read(
    model_slugs: Sequence[str], regions: Sequence[str], names: Sequence[str] = tuple(LIVE_FIELDS)
) -> dict[tuple[str, str], dict]:
    """The live values (`names` of LIVE_FIELDS) of every (model, region) that has a hash, in one
    round trip; empty when Redis is unreachable (the caller shows PostgreSQL's values)."""
    pairs = [(slug, region) for slug in model_slugs for region in regions]
    if not pairs:
        return {}
    fields = [LIVE_FIELDS[name] for name in names]
    try:
        with redis_client().pipeline(transaction=False) as pipe:
            for slug, region in pairs:
                # Only the fields asked for: parsing whole hashes was most of the status grid's read.
                pipe.hmget(status_key(slug, region), fields)
            hashes = pipe.execute()
    except (RedisError, OSError):
        return {}
    return {
        pair: {name: _live_value(name, value) for name, value in zip(names, values, strict=True)}
        for pair, values in zip(pairs, hashes, strict=True)
        if any(value is not None for value in values)
    }


def _live_value(name: str, value: bytes | None) -> float | str | None:
    if name == "as_of":
        return value.decode() if value else None
    return _number(value)


# The newest probe of each (model, region, location): live_state_publish keeps the newest per
# (model, region) for the hashes and every located probe for the GEO set.
# uses index: idx_probes_model_time (and partition pruning on time)
NEWEST = sql.SQL("""
SELECT DISTINCT ON (p.model_id, p.region, p.probe_location)
    m.slug, p.region, p.time, p.availability, p.latency_p95, p.error_rate, p.requests_per_minute,
    p.probe_location,
    CASE WHEN jsonb_typeof(p.metadata -> 'lat') = 'number' THEN (p.metadata ->> 'lat')::float8 END,
    CASE WHEN jsonb_typeof(p.metadata -> 'lon') = 'number' THEN (p.metadata ->> 'lon')::float8 END
FROM status_probes p JOIN {models} m ON m.id = p.model_id
WHERE p.time >= now() - %(window)s
ORDER BY p.model_id, p.region, p.probe_location, p.time DESC
""")


def live_state_rebuild() -> tuple[int, int]:
    """Refill the live state from each (model, region)'s newest probe within the live window,
    through the same live_state_publish() as ingestion, with the rankings rebuilt from scratch
    (models no longer probed drop out). Returns (model/region pairs, probes read); raises
    RedisError when Redis is unreachable."""
    with connection.cursor() as cursor:
        cursor.execute(NEWEST.format(models=sql.Identifier(AIModel._meta.db_table)), {"window": LIVE_WINDOW})
        rows = [LiveRow(*row) for row in cursor.fetchall()]
    if not live_state_publish(rows, replace_rankings=True):
        raise RedisError("Redis is unreachable: the live status was not rebuilt.")
    return len({(row.model_slug, row.region) for row in rows}), len(rows)
