"""Who reads where: the database router, the middleware that tells it the request's region,
and the Celery hooks that tell it what a task may read.

Writes and migrations go to the primary ("default"). A read goes to the replica of the
request's region (aigo.db.replicas) when there is one and it is healthy, else to the primary; and
always to the primary for a client that wrote within AIGO_READ_YOUR_WRITES_SECONDS (a cookie
set on the response to its write), inside a transaction on the primary, or after a write in
the same request, so nobody misses their own writes because a replica is a moment behind.
"""

import time
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

from aigo.db.replicas import is_healthy, nearest_region, replica_alias
from aigo.regions import request_region

PRIMARY_COOKIE = "aigo_primary_until"  # unix time until which this client reads from the primary
# Coarse client location "lat,lon" set by the edge (e.g. from CloudFront-Viewer-Latitude/-Longitude).
LOCATION_HEADER = "HTTP_X_AIGO_LOCATION"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


@dataclass
class Route:
    region: str | None  # whose replica to read from; None: the primary
    primary: bool = False  # read from the primary anyway (this client wrote recently)


# Unset (management commands, shells, tasks not marked safe): reads go to the primary.
_route: ContextVar[Route | None] = ContextVar("aigo_db_route", default=None)


def read_alias() -> str:
    route = _route.get()
    if route is None or route.primary or route.region is None:
        return DEFAULT_DB_ALIAS
    # Inside a transaction on the primary, reads must see its uncommitted writes.
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    if route.region in settings.AIGO_DB_REPLICAS and is_healthy(replica_alias(route.region)):
        return replica_alias(route.region)
    return DEFAULT_DB_ALIAS


def read_alias_pinned() -> str:
    """read_alias(), and the rest of the request reads there too: a cached response is keyed by
    the database it is read from, so a replica turning healthy mid-request must not serve it."""
    alias = read_alias()
    route = _route.get()
    if route is not None and alias == DEFAULT_DB_ALIAS:
        route.primary = True
    return alias


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return read_alias()

    def db_for_write(self, model, **hints):
        route = _route.get()
        if route is not None:
            route.primary = True  # later reads in this request see this write
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # every alias holds the same data: one logical database

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS  # replicas get their schema from the primary (aigo.db.replication)


def _location(value: str) -> tuple[float, float] | None:
    try:
        lat, lon = (float(part) for part in value.split(","))
    except ValueError:
        return None
    return (lat, lon) if -90 <= lat <= 90 and -180 <= lon <= 180 else None


def read_region(request) -> str | None:
    """Whose replica serves the request's reads: its region (aigo.regions), else the database
    region nearest to the client, else None (the primary)."""
    region = request_region(request)
    if region:
        return region
    location = _location(request.META.get(LOCATION_HEADER, ""))
    return nearest_region(location) if location else None


def wrote_recently(request) -> bool:
    try:
        return float(request.COOKIES.get(PRIMARY_COOKIE, "0")) > time.time()
    except ValueError:
        return False


class ReplicaRoutingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.AIGO_DB_REPLICAS:
            return self.get_response(request)
        token = _route.set(Route(region=read_region(request), primary=wrote_recently(request)))
        try:
            response = self.get_response(request)
        finally:
            _route.reset(token)
        if request.method not in SAFE_METHODS and response.status_code < 400:
            window = settings.AIGO_READ_YOUR_WRITES_SECONDS
            response.set_cookie(
                PRIMARY_COOKIE,
                str(int(time.time()) + window),
                max_age=window,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response


# Celery: a task reads from the primary unless its class says `replica_reads = True`; such a
# task reads from the first replica of AIGO_DB_REPLICAS (list the workers' nearest first).
_task_tokens: dict[str, object] = {}


def task_started(task_id=None, task=None, **kwargs) -> None:
    safe = getattr(task, "replica_reads", False) and settings.AIGO_DB_REPLICAS
    region = next(iter(settings.AIGO_DB_REPLICAS)) if safe else None
    _task_tokens[task_id] = _route.set(Route(region=region))


def task_finished(task_id=None, **kwargs) -> None:
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        _route.reset(token)
