"""Trending: decayed union of the daily sets, the SQL fallback, rebuild_redis, the endpoints."""

import datetime
import io

import pytest
from django.core.management import call_command

from aigo.db.partitions import partitions_ensure
from aigo.redis import redis_client
from analytics.trending import DAYS, _today, day_key, decay, trending_rebuild, trending_scores
from tests.catalog.factories import AIModelFactory, ProviderFactory
from tests.db import sql

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


@pytest.fixture
def models():
    openai, anthropic = ProviderFactory(slug="openai", name="OpenAI"), ProviderFactory(slug="anthropic")
    return (
        AIModelFactory(slug="steady", provider=openai),
        AIModelFactory(slug="fresh", provider=anthropic),
        AIModelFactory(slug="faded", provider=openai),
    )


def _views(model, age_days: int, count: int) -> None:
    """`count` model_view events `age_days` UTC days ago, as collection stores them."""
    at = datetime.datetime.combine(_today(), datetime.time(12), tzinfo=UTC) - datetime.timedelta(days=age_days)
    sql(
        "INSERT INTO analytics_events (timestamp, event_type, event_properties)"
        " SELECT %s, 'model_view', jsonb_build_object('model_id', %s::text, 'model_slug', %s::text)"
        " FROM generate_series(1, %s)",
        [at, str(model.id), model.slug, count],
    )


@pytest.fixture
def history(models):
    """steady: 4 views today and 4 two days ago; fresh: 5 today; faded: 16 six days ago, and
    100 eight days ago (outside the window)."""
    partitions_ensure()
    steady, fresh, faded = models
    _views(steady, 0, 4)
    _views(steady, 2, 4)
    _views(fresh, 0, 5)
    _views(faded, 6, 16)
    _views(faded, 8, 100)
    return models


def expected(models) -> list[tuple[str, float]]:
    steady, fresh, faded = models
    return [(str(steady.id), 4 + 4 * decay(2)), (str(fresh.id), 5.0), (str(faded.id), 16 * decay(6))]


def same(scores, wanted) -> bool:
    """Same order, same scores (to float precision)."""
    return [model_id for model_id, _ in scores] == [model_id for model_id, _ in wanted] and dict(
        scores
    ) == pytest.approx(dict(wanted))


def test_decay_halves_every_two_days():
    assert [decay(age) for age in (0, 2, 4, 6)] == [1.0, 0.5, 0.25, 0.125]


def test_rebuild_then_the_weighted_union_gives_the_decayed_ordering_and_scores(history):
    assert trending_rebuild() == (3, 4 + 4 + 5 + 16)
    assert redis_client().zscore(day_key(_today() - datetime.timedelta(days=6)), str(history[2].id)) == 16
    scores, source = trending_scores()
    assert source == "redis"
    assert same(scores, expected(history))


def test_the_union_is_cached_briefly(history):
    trending_rebuild()
    first, _ = trending_scores()
    _views(history[1], 0, 50)
    trending_rebuild()  # drops the cached union, like a rebuild should
    redis_client().zincrby(day_key(_today()), 1000, str(history[2].id))
    assert trending_scores()[0] != first
    cached = trending_scores()[0]
    redis_client().zincrby(day_key(_today()), 1000, str(history[0].id))
    assert trending_scores()[0] == cached


def test_without_redis_the_same_scores_come_from_the_events(history, redis_down):
    scores, source = trending_scores()
    assert source == "database"
    assert same(scores, expected(history))


def test_rebuild_redis_refills_the_daily_sets(history):
    redis_client().zincrby(day_key(_today()), 999, "stale")
    out = io.StringIO()
    call_command("rebuild_redis", stdout=out)
    assert "Trending rebuilt: 29 model views over 3 days." in out.getvalue()
    assert redis_client().zscore(day_key(_today()), "stale") is None
    assert redis_client().ttl(day_key(_today())) > 6 * 86400
    assert same(trending_scores()[0], expected(history))


def test_trending_models_endpoint(client, history, django_assert_max_num_queries):
    trending_rebuild()
    with django_assert_max_num_queries(1):
        response = client.get("/api/v1/trending/models?limit=2")
    assert response.status_code == 200
    body = response.json()
    assert body["source"] == "redis"
    assert [(row["slug"], row["provider"]["slug"]) for row in body["models"]] == [
        ("steady", "openai"),
        ("fresh", "anthropic"),
    ]
    assert body["models"][0]["name"] == "Steady"
    assert body["models"][0]["score"] == pytest.approx(6.0)


def test_trending_providers_sum_their_models(client, history, redis_down, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = client.get("/api/v1/trending/providers")
    body = response.json()
    assert body["source"] == "database"
    assert [(row["slug"], row["score"]) for row in body["providers"]] == [
        ("openai", pytest.approx(6.0 + 16 * decay(6))),
        ("anthropic", pytest.approx(5.0)),
    ]


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "limit=many"])
def test_bad_limits_get_400(client, query):
    response = client.get(f"/api/v1/trending/models?{query}")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"


def test_the_window_is_seven_days():
    assert DAYS == 7
