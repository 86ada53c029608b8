"""Regional read replicas: their database aliases, where each region is, and whether a replica
is fit to serve reads (reachable, subscribed, caught up), checked at most once per
AIGO_REPLICA_HEALTH_SECONDS per process, never per request. aigo.db.router decides who reads where.

Replicas are logical-replication subscribers (aigo.db.replication). Their lag is measured on the
replica from pg_stat_subscription: the seconds since its apply worker last heard from the
primary. The primary sends changes as they commit and, when idle, answers the keepalive a
subscriber asks for after wal_receiver_timeout / 2, so a healthy replica's figure stays below
that (scripts/pg_replica.sh sets wal_receiver_timeout = 10s); AIGO_REPLICA_MAX_LAG_SECONDS
must be above it.
"""

import logging
import math
import threading
import time

import dj_database_url
import psycopg
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

log = logging.getLogger(__name__)

# Roughly where each serving region's database runs (lat, lon), to pick the nearest one.
REGION_LOCATIONS = {
    "us-east": (38.9, -77.0),  # Virginia
    "us-west": (37.8, -122.4),  # California
    "eu-west": (50.1, 8.7),  # Frankfurt, as the seed's probe locations
    "asia-east": (35.7, 139.7),  # Tokyo
    "asia-se": (1.35, 103.8),  # Singapore
}

# One row per apply worker (relid IS NULL; table-sync workers have one): the replica is ready
# when every subscription's worker runs and every table finished its first copy.
# pg_subscription is shared by the cluster's databases: only this database's count.
LAG_SQL = """
SELECT bool_and(pid IS NOT NULL)
       AND NOT EXISTS (SELECT 1 FROM pg_subscription_rel WHERE srsubstate <> 'r'),
       extract(epoch FROM now() - min(last_msg_receipt_time))::float
FROM pg_stat_subscription
WHERE relid IS NULL
  AND subid IN (SELECT oid FROM pg_subscription
                WHERE subdbid = (SELECT oid FROM pg_database WHERE datname = current_database()))
"""


def replica_alias(region: str) -> str:
    return "replica_" + region.replace("-", "_")


def parse_replicas(entries: list[str], regions: list[str]) -> dict[str, str]:
    """["eu-west=postgres://..."] -> {"eu-west": "postgres://..."}, regions checked."""
    replicas = {}
    for entry in entries:
        region, _, url = entry.partition("=")
        region = region.strip()
        if not url or region not in regions:
            raise ImproperlyConfigured(f"AIGO_DB_REPLICAS: {entry!r} is not REGION=URL with REGION in AIGO_REGIONS")
        replicas[region] = url.strip()
    return replicas


def replica_databases(default: dict, replicas: dict[str, str], connect_timeout: int) -> dict[str, dict]:
    """A DATABASES entry per replica: the primary's options, the replica's address.

    The connect timeout keeps a health check of an unreachable replica short; in tests a
    replica alias mirrors the default database (Django makes no test database for it).
    """
    databases = {}
    for region, url in replicas.items():
        address = dj_database_url.parse(url)
        databases[replica_alias(region)] = {
            **default,
            **{key: address[key] for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT")},
            "OPTIONS": {**default.get("OPTIONS", {}), **address.get("OPTIONS", {}), "connect_timeout": connect_timeout},
            "TEST": {"MIRROR": "default"},
        }
    return databases


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h))


def nearest_region(location: tuple[float, float]) -> str | None:
    """The region with a database (the primary's or a replica) nearest to location."""
    regions = [settings.AIGO_REGIONS[0], *settings.AIGO_DB_REPLICAS]
    known = [region for region in regions if region in REGION_LOCATIONS]
    return min(known, key=lambda region: distance_km(location, REGION_LOCATIONS[region]), default=None)


def connect(alias: str, **kwargs) -> psycopg.Connection:
    """A connection of its own to alias, as the login user of its DATABASES entry (no SET ROLE)."""
    from django.db import connections  # not at import: settings use this module

    return psycopg.connect(**connections[alias].get_connection_params(), **kwargs)


def replica_lag(alias: str) -> float | None:
    """Seconds since the replica last heard from the primary; None when it cannot serve reads
    (unreachable, no running subscription, or a first copy still in progress)."""
    try:
        with connect(alias, autocommit=True) as conn:
            ready, lag = conn.execute(LAG_SQL).fetchone()
    except psycopg.Error as exc:
        log.debug("replica %s: %s", alias, exc)
        return None
    return max(lag, 0.0) if ready and lag is not None else None


_health: dict[str, tuple[bool, float]] = {}  # alias -> (healthy, monotonic time it expires)
_health_lock = threading.Lock()


def is_healthy(alias: str) -> bool:
    cached = _health.get(alias)
    if cached and cached[1] > time.monotonic():
        return cached[0]
    with _health_lock:  # one probe per alias at a time; the others wait for its answer
        cached = _health.get(alias)
        if cached and cached[1] > time.monotonic():
            return cached[0]
        lag = replica_lag(alias)
        healthy = lag is not None and lag <= settings.AIGO_REPLICA_MAX_LAG_SECONDS
        if cached is None or cached[0] != healthy:
            log.log(
                logging.INFO if healthy else logging.WARNING, "replica %s: healthy=%s, lag %s s", alias, healthy, lag
            )
        _health[alias] = (healthy, time.monotonic() + settings.AIGO_REPLICA_HEALTH_SECONDS)
    return healthy


def forget_health() -> None:
    """Drop cached health (tests, and after changing AIGO_DB_REPLICAS)."""
    _health.clear()
