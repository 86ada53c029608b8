"""Routing decisions for regional read replicas (aigo.db.replicas, aigo.db.router), with settings
overrides and a stand-in for the replica's lag: no replica server is needed here
(tests/aigo/db/test_replication.py runs a real one)."""

import time
from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.test import RequestFactory

from aigo.db import replicas
from aigo.db.replicas import forget_health, is_healthy, nearest_region, parse_replicas, replica_databases
from aigo.db.router import (
    PRIMARY_COOKIE,
    ReplicaRouter,
    ReplicaRoutingMiddleware,
    Route,
    _route,
    read_alias,
    read_region,
    task_finished,
    task_started,
)

REPLICAS = {"eu-west": "postgres://postgres@127.0.0.1:1/aigo", "asia-east": "postgres://postgres@127.0.0.1:2/aigo"}
PARIS = "48.9,2.4"
NEW_YORK = "40.7,-74.0"


@pytest.fixture
def lags(settings, monkeypatch):
    """Replicas configured; lags[alias] is what the probe of that replica returns (None: down)."""
    settings.AIGO_DB_REPLICAS = REPLICAS
    settings.AIGO_REPLICA_MAX_LAG_SECONDS = 30
    settings.AIGO_REPLICA_HEALTH_SECONDS = 60
    values = {"replica_eu_west": 0.5, "replica_asia_east": 0.5}
    probes = []

    def probe(alias):
        probes.append(alias)
        return values[alias]

    monkeypatch.setattr(replicas, "replica_lag", probe)
    forget_health()
    values["probes"] = probes
    yield values
    forget_health()


def route(region, primary=False):
    token = _route.set(Route(region=region, primary=primary))
    try:
        return read_alias()
    finally:
        _route.reset(token)


def test_replica_settings_copy_the_primary():
    default = {"ENGINE": "django.db.backends.postgresql", "CONN_MAX_AGE": 60, "OPTIONS": {"sslmode": "prefer"}}
    parsed = parse_replicas([f"{region}={url}" for region, url in REPLICAS.items()], ["us-east", *REPLICAS])
    databases = replica_databases(default, parsed, connect_timeout=2)
    assert set(databases) == {"replica_eu_west", "replica_asia_east"}
    eu = databases["replica_eu_west"]
    assert (eu["HOST"], eu["PORT"], eu["NAME"], eu["CONN_MAX_AGE"]) == ("127.0.0.1", 1, "aigo", 60)
    assert eu["OPTIONS"] == {"sslmode": "prefer", "connect_timeout": 2}
    assert eu["TEST"] == {"MIRROR": "default"}


@pytest.mark.parametrize("entry", ["eu-west", "mars=postgres://x/y", "=postgres://x/y"])
def test_bad_replica_entries_fail_at_startup(entry):
    with pytest.raises(ImproperlyConfigured):
        parse_replicas([entry], ["us-east", "eu-west"])


def test_region_is_the_visitors_then_the_edges_then_the_nearest(settings):
    settings.AIGO_DB_REPLICAS = REPLICAS
    factory = RequestFactory()
    request = factory.get("/", HTTP_X_AIGO_REGION="asia-east", HTTP_X_AIGO_LOCATION=PARIS)
    request.COOKIES["aigo_region"] = "eu-west"
    assert read_region(request) == "eu-west"
    request.COOKIES["aigo_region"] = "atlantis"  # not a region: ignored
    assert read_region(request) == "asia-east"
    assert read_region(factory.get("/", HTTP_X_AIGO_LOCATION=PARIS)) == "eu-west"
    assert read_region(factory.get("/", HTTP_X_AIGO_LOCATION=NEW_YORK)) == "us-east"  # the primary's region
    assert read_region(factory.get("/", HTTP_X_AIGO_LOCATION="north")) is None
    assert read_region(factory.get("/")) is None


def test_nearest_region_counts_only_regions_with_a_database(settings):
    settings.AIGO_DB_REPLICAS = {"eu-west": REPLICAS["eu-west"]}
    assert nearest_region((1.3, 103.8)) == "eu-west"  # Singapore: no asia replica, Frankfurt is nearer than Virginia


def test_reads_go_to_the_regions_healthy_replica(lags):
    assert route("eu-west") == "replica_eu_west"
    assert route("asia-east") == "replica_asia_east"
    assert route("us-west") == "default"  # no replica there
    assert route(None) == "default"
    assert route("eu-west", primary=True) == "default"
    assert read_alias() == "default"  # outside a request or task


def test_unreachable_or_lagging_replicas_are_skipped(lags):
    lags["replica_eu_west"] = None
    lags["replica_asia_east"] = 31
    assert route("eu-west") == "default"
    assert route("asia-east") == "default"


def test_health_is_cached_not_probed_per_request(lags, settings):
    for _ in range(5):
        assert route("eu-west") == "replica_eu_west"
    assert lags["probes"] == ["replica_eu_west"]
    lags["replica_eu_west"] = None  # goes down: noticed once the cached answer expires
    assert route("eu-west") == "replica_eu_west"
    settings.AIGO_REPLICA_HEALTH_SECONDS = 0
    forget_health()
    assert not is_healthy("replica_eu_west")
    lags["replica_eu_west"] = 1.0  # healthy again
    time.sleep(0.01)
    assert route("eu-west") == "replica_eu_west"


def test_writes_and_migrations_go_to_the_primary_and_later_reads_follow(lags):
    router = ReplicaRouter()
    assert router.allow_migrate("default", "catalog")
    assert not router.allow_migrate("replica_eu_west", "catalog")
    assert router.allow_relation(object(), object())
    token = _route.set(Route(region="eu-west"))
    try:
        assert read_alias() == "replica_eu_west"
        assert router.db_for_write(None) == "default"
        assert read_alias() == "default"  # this request wrote: it reads its own write
    finally:
        _route.reset(token)


@pytest.mark.django_db
def test_reads_inside_a_transaction_stay_on_the_primary(lags):
    # pytest-django runs this test inside a transaction on the primary.
    assert route("eu-west") == "default"


def run(request, status=200):
    seen = {}

    def view(request):
        seen["alias"] = read_alias()
        return HttpResponse(status=status)

    response = ReplicaRoutingMiddleware(view)(request)
    return seen["alias"], response


def test_a_successful_write_sends_the_clients_reads_to_the_primary(lags, settings):
    settings.AIGO_READ_YOUR_WRITES_SECONDS = 15
    factory = RequestFactory(HTTP_X_AIGO_REGION="eu-west")
    alias, response = run(factory.get("/"))
    assert alias == "replica_eu_west" and PRIMARY_COOKIE not in response.cookies
    alias, response = run(factory.post("/"), status=400)
    assert PRIMARY_COOKIE not in response.cookies  # a failed write changed nothing
    alias, response = run(factory.post("/"), status=201)
    cookie = response.cookies[PRIMARY_COOKIE]
    assert cookie["max-age"] == 15 and cookie["httponly"]
    assert time.time() < int(cookie.value) <= time.time() + 15

    request = factory.get("/")
    request.COOKIES[PRIMARY_COOKIE] = cookie.value
    assert run(request)[0] == "default"
    request.COOKIES[PRIMARY_COOKIE] = str(int(time.time()) - 1)  # the window is over
    assert run(request)[0] == "replica_eu_west"
    assert read_alias() == "default"  # the request's route ends with it


def test_without_replicas_the_middleware_stays_out_of_the_way(settings):
    settings.AIGO_DB_REPLICAS = {}
    alias, response = run(RequestFactory().post("/", HTTP_X_AIGO_REGION="eu-west"))
    assert alias == "default" and PRIMARY_COOKIE not in response.cookies


def test_tasks_read_from_the_primary_unless_marked_safe(lags):
    task_started(task_id="1", task=SimpleNamespace())
    assert read_alias() == "default"
    task_finished(task_id="1")
    task_started(task_id="2", task=SimpleNamespace(replica_reads=True))
    assert read_alias() == "replica_eu_west"  # the first replica listed
    task_finished(task_id="2")
    assert read_alias() == "default"
