import pytest
from django.test import RequestFactory

from accounts.features import FeatureFlagsMiddleware, features_for
from accounts.models import FeatureFlag
from aigo.redis import redis_client, rkey
from tests.db import stop_redis

pytestmark = pytest.mark.django_db


def _features(region_header: str | None = None, region_cookie: str | None = None) -> dict:
    request = RequestFactory().get("/", **({"HTTP_X_AIGO_REGION": region_header} if region_header else {}))
    if region_cookie:
        request.COOKIES["aigo_region"] = region_cookie
    FeatureFlagsMiddleware(lambda req: None)(request)
    return dict(request.features)


def test_defaults_apply_when_nothing_is_set(settings):
    assert _features() == settings.AIGO_FEATURE_DEFAULTS


def test_an_editors_switch_in_the_admin_reaches_the_regions_redis_hash(
    admin_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/accounts/featureflag/add/", {"region": "eu-west", "name": "ai_chat", "enabled": "on"}
        )
    assert response.status_code == 302
    assert redis_client().hget(rkey("features", "eu-west"), "ai_chat") == b"1"
    assert _features("eu-west")["ai_chat"] is True
    assert _features("us-east")["ai_chat"] is False, "other regions keep the default"
    assert _features("mars-1")["ai_chat"] is False, "an unknown region header means the primary region"


def test_an_empty_redis_is_rebuilt_from_postgresql():
    FeatureFlag.objects.create(region="asia-east", name="news_section", enabled=False)
    redis_client().delete(rkey("features", "asia-east"))
    assert features_for("asia-east")["news_section"] is False
    assert redis_client().hget(rkey("features", "asia-east"), "news_section") == b"0"


def test_flags_are_read_from_postgresql_when_redis_is_down(settings):
    FeatureFlag.objects.create(region="us-east", name="dark_mode", enabled=False)
    stop_redis(settings)
    assert features_for("us-east")["dark_mode"] is False


def test_the_visitors_chosen_region_wins_over_the_edges_as_for_prices_and_reads():
    FeatureFlag.objects.create(region="asia-se", name="ai_chat", enabled=True)
    assert _features(region_header="eu-west", region_cookie="asia-se")["ai_chat"] is True
    assert _features(region_header="asia-se", region_cookie="eu-west")["ai_chat"] is False
    assert _features(region_header="asia-se", region_cookie="mars-1")["ai_chat"] is True, "an unknown choice is none"
