"""The catalog read API: HTTP caching and invalidation, the OpenAPI schema, list rows built in SQL."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.listings import listings_refresh
from catalog.models import AIModel

from .factories import (
    BenchmarkScoreFactory,
    BenchmarkSuiteFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.pgbouncer]
API = "/api/v1"


# -- HTTP caching --------------------------------------------------------------------------


def test_responses_carry_etag_and_cache_control_and_honour_if_none_match(client, catalog):
    first = client.get(f"{API}/models/gpt-4o/")
    assert first["Cache-Control"] == "public, max-age=60"
    etag = first["ETag"]
    again = client.get(f"{API}/models/gpt-4o/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    other = client.get(f"{API}/models/gpt-4o/", HTTP_IF_NONE_MATCH='"stale"')
    assert other.status_code == 200


def test_a_second_identical_request_is_served_from_the_cache(client, catalog):
    client.get(f"{API}/models/", {"page_size": 3})
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"{API}/models/", {"page_size": 3}).status_code == 200
    assert len(queries) == 0


def test_catalog_write_invalidates_cached_responses(client, catalog, django_capture_on_commit_callbacks):
    assert client.get(f"{API}/models/gpt-4o/").json()["context_window"] == 128000
    assert client.get(f"{API}/models/", {"q": "gpt4o"}).json()["results"][0]["context_window"] == 128000
    with django_capture_on_commit_callbacks(execute=True):
        model = AIModel.objects.get(slug="gpt-4o")
        model.context_window = 256000
        model.save()
    assert client.get(f"{API}/models/gpt-4o/").json()["context_window"] == 256000
    assert client.get(f"{API}/models/", {"q": "gpt4o"}).json()["results"][0]["context_window"] == 256000


def test_an_admin_edit_shows_in_the_next_get(client, admin_client, catalog, django_capture_on_commit_callbacks):
    from tests.admin_forms import change_form_data

    assert client.get(f"{API}/models/gpt-4o/", {"locale": "zh-CN"}).json()["name"] == "GPT-4o（中文）"
    url = f"/admin/catalog/aimodel/{catalog['gpt'].pk}/change/"
    data = change_form_data(admin_client.get(url))
    data["name_zh-CN"] = "GPT-4o 新名字"
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert client.get(f"{API}/models/gpt-4o/", {"locale": "zh-CN"}).json()["name"] == "GPT-4o 新名字"
    listed = client.get(f"{API}/models/", {"locale": "zh-CN", "provider": "openai"}).json()["results"]
    assert "GPT-4o 新名字" in [row["name"] for row in listed]


def test_responses_stay_correct_when_redis_is_down(client, catalog, redis_down):
    first = client.get(f"{API}/models/gpt-4o/")
    assert first.status_code == 200 and first.json()["slug"] == "gpt-4o"
    assert client.get(f"{API}/models/", {"q": "gpt4o"}).json()["results"][0]["slug"] == "gpt-4o"


# -- documentation -------------------------------------------------------------------------


def test_openapi_schema_documents_every_endpoint_and_parameter(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    for path in [
        "/api/v1/providers/",
        "/api/v1/providers/{slug}/",
        "/api/v1/models/",
        "/api/v1/models/{slug}/",
        "/api/v1/models/{slug}/pricing/",
        "/api/v1/benchmarks/",
        "/api/v1/benchmarks/{slug}/leaderboard/",
        "/api/v1/compare/",
        "/api/v1/search/",
    ]:
        assert path in paths, path
    model_params = {param["name"] for param in paths["/api/v1/models/"]["get"]["parameters"]}
    assert {
        "provider",
        "modality",
        "capability",
        "min_context",
        "active",
        "released_after",
        "q",
        "ordering",
        "page",
        "page_size",
        "locale",
    } <= model_params
    detail_params = {param["name"] for param in paths["/api/v1/models/{slug}/"]["get"]["parameters"]}
    assert {"as_of", "region", "tier", "locale"} <= detail_params


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_api_docs_pages_load_their_assets_locally(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert b"cdn.jsdelivr" not in response.content and b"unpkg.com" not in response.content


def test_openapi_schema_generates_without_warnings_and_validates(tmp_path):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert (tmp_path / "schema.yaml").stat().st_size > 1000


@pytest.mark.parametrize("locale", ["en-US", "zh-TW", "ja-JP", "*"])
def test_list_rows_built_in_sql_match_the_serializer(client, catalog, locale):
    """The list's cold path renders rows in PostgreSQL; ModelListSerializer defines them."""
    from catalog.api.serializers import ModelListSerializer
    from catalog.models import ModelListing

    suite = BenchmarkSuiteFactory(slug="mmlu")
    BenchmarkScoreFactory(model=catalog["gpt"], suite=suite, score_normalized="88.70", score_raw="88.7")
    listings_refresh()
    rows = client.get(f"{API}/models/", {"locale": locale, "page_size": 200}).json()["results"]
    expected = ModelListSerializer(ModelListing.objects.order_by("slug"), many=True, context={"locale": locale}).data
    assert rows == json.loads(json.dumps(expected))
    assert next(row for row in rows if row["slug"] == "gpt-4o")["recent_benchmarks"][0]["score"] == "88.70"
