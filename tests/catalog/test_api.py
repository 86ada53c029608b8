"""The catalog read API as a client sees it."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.listings import listings_refresh
from catalog.models import AIModel

from .factories import (
    AIModelFactory,
    BenchmarkScoreFactory,
    BenchmarkSuiteFactory,
    DocumentationFactory,
    ModelEndpointFactory,
    PricingFactory,
    ProviderFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.pgbouncer]
API = "/api/v1"


@pytest.fixture
def catalog():
    openai = ProviderFactory(slug="openai", name="OpenAI", regions=["us-east", "eu-west"])
    anthropic = ProviderFactory(slug="anthropic", name="Anthropic")
    deepseek = ProviderFactory(slug="deepseek", name="DeepSeek")
    gpt = AIModelFactory(
        provider=openai,
        slug="gpt-4o",
        foundation_model="gpt-4o",
        name={"en-US": "GPT-4o", "zh-CN": "GPT-4o（中文）", "ja-JP": "GPT-4o（日本語）"},
        description={"en-US": "Flagship multimodal model.", "zh-CN": "旗舰多模态模型。"},
        modalities=["text", "image"],
        capabilities=["function_calling", "streaming", "vision"],
        context_window=128000,
        released_at=datetime.date(2024, 5, 13),
    )
    mini = AIModelFactory(
        provider=openai,
        slug="gpt-4o-mini",
        name={"en-US": "GPT-4o mini"},
        modalities=["text"],
        capabilities=["streaming"],
        context_window=128000,
        released_at=datetime.date(2024, 7, 18),
    )
    claude = AIModelFactory(
        provider=anthropic,
        slug="claude-sonnet",
        name={"en-US": "Claude Sonnet"},
        modalities=["text", "image"],
        capabilities=["function_calling", "streaming"],
        context_window=200000,
        released_at=datetime.date(2024, 6, 20),
    )
    deep = AIModelFactory(
        provider=deepseek,
        slug="deepseek-chat",
        name={"en-US": "DeepSeek-V3", "zh-CN": "深度求索 V3"},
        modalities=["text"],
        capabilities=["function_calling"],
        context_window=64000,
        released_at=datetime.date(2024, 12, 26),
    )
    AIModelFactory(provider=openai, slug="old-model", name={"en-US": "Old model"}, is_active=False, context_window=8000)
    day = datetime.date
    PricingFactory(
        model=gpt,
        input_per_million=5,
        output_per_million=15,
        effective_from=day(2024, 5, 13),
        effective_to=day(2024, 9, 30),
    )
    PricingFactory(model=gpt, input_per_million="2.5", output_per_million=10, effective_from=day(2024, 10, 1))
    PricingFactory(
        model=gpt, tier="batch", input_per_million="1.25", output_per_million=5, effective_from=day(2024, 10, 1)
    )
    PricingFactory(
        model=gpt,
        region="eu-west",
        currency="EUR",
        input_per_million="2.3",
        output_per_million="9.2",
        effective_from=day(2024, 10, 1),
    )
    PricingFactory(model=mini, input_per_million="0.15", output_per_million="0.6", effective_from=day(2024, 7, 18))
    PricingFactory(model=claude, input_per_million=3, output_per_million=15, effective_from=day(2024, 6, 20))
    PricingFactory(model=deep, input_per_million="0.27", output_per_million="1.1", effective_from=day(2024, 12, 26))
    ModelEndpointFactory(model=gpt, region="eu-west", endpoint_url="https://eu.example.com", priority=20)
    ModelEndpointFactory(model=gpt, region="us-east", endpoint_url="https://us.example.com", priority=10)
    DocumentationFactory(model=gpt, title={"en-US": "API reference"}, url="https://docs.example.com/en", locale="en-US")
    DocumentationFactory(
        model=gpt,
        title={"en-US": "API reference (Japanese)", "ja-JP": "API リファレンス"},
        url="https://docs.example.com/ja",
        locale="ja-JP",
    )
    DocumentationFactory(
        model=gpt, title={"en-US": "Cookbook"}, url="https://docs.example.com/all", locale=None, doc_type="cookbook"
    )
    listings_refresh()
    return {"gpt": gpt, "mini": mini, "claude": claude, "deep": deep}


def _slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


# -- lists, filters and ordering ------------------------------------------------------------


def test_models_list_reads_every_model_with_prices_as_decimal_strings(client, catalog):
    body = client.get(f"{API}/models/").json()
    assert body["count"] == 5
    gpt = next(row for row in body["results"] if row["slug"] == "gpt-4o")
    assert gpt["price"] == {"input_per_million": "2.5000", "output_per_million": "10.0000", "currency": "USD"}
    assert gpt["provider"] == {"slug": "openai", "name": "OpenAI", "logo_url": None}


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"provider": "openai"}, ["gpt-4o", "gpt-4o-mini", "old-model"]),
        ({"provider": "openai,anthropic", "active": "true"}, ["claude-sonnet", "gpt-4o", "gpt-4o-mini"]),
        ({"modality": "image"}, ["claude-sonnet", "gpt-4o"]),
        ({"capability": "function_calling,vision"}, ["gpt-4o"]),
        ({"capability": "function_calling"}, ["claude-sonnet", "deepseek-chat", "gpt-4o"]),
        ({"min_context": "150000"}, ["claude-sonnet"]),
        ({"active": "false"}, ["old-model"]),
        ({"released_after": "2024-07-18"}, ["deepseek-chat"]),
        ({"q": "claude"}, ["claude-sonnet"]),
    ],
)
def test_models_list_filters(client, catalog, params, expected):
    assert sorted(_slugs(client.get(f"{API}/models/", params))) == expected


@pytest.mark.parametrize(
    "ordering, expected",
    [
        ("name", ["claude-sonnet", "deepseek-chat", "gpt-4o", "gpt-4o-mini"]),
        ("-released_at", ["deepseek-chat", "gpt-4o-mini", "claude-sonnet", "gpt-4o"]),
        ("context_window", ["deepseek-chat", "gpt-4o", "gpt-4o-mini", "claude-sonnet"]),
        ("input_price", ["gpt-4o-mini", "deepseek-chat", "gpt-4o", "claude-sonnet"]),
        ("-output_price", ["claude-sonnet", "gpt-4o", "deepseek-chat", "gpt-4o-mini"]),
    ],
)
def test_models_list_ordering_is_stable_and_puts_missing_values_last(client, catalog, ordering, expected):
    assert _slugs(client.get(f"{API}/models/", {"ordering": ordering, "active": "true"})) == expected


def test_list_query_count_does_not_grow_with_page_size(client, catalog):
    AIModelFactory.create_batch(30)
    listings_refresh()
    counts = []
    for size in (1, 10, 35):
        with CaptureQueriesContext(connection) as queries:
            assert len(_slugs(client.get(f"{API}/models/", {"page_size": size}))) == size
        counts.append(len(queries))
    assert counts[0] == counts[1] == counts[2] <= 2, counts


@pytest.mark.parametrize("path", ["providers/", "benchmarks/", "benchmarks/suite-x/leaderboard/"])
def test_other_lists_query_count_does_not_grow_with_rows(client, catalog, path):
    suite = BenchmarkSuiteFactory(slug="suite-x")
    counts = []
    for extra in (1, 15):
        for model in AIModelFactory.create_batch(extra):
            BenchmarkScoreFactory(model=model, suite=suite, is_official=True)
            BenchmarkSuiteFactory()
            ProviderFactory()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{API}/{path}", {"page_size": 200, "extra": extra}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 3, counts


def test_model_detail_query_count_is_fixed(client, catalog):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"{API}/models/gpt-4o/").status_code == 200
    assert len(queries) <= 5


# -- detail: endpoints, prices as of a date, region and tier ---------------------------------


def test_detail_lists_endpoints_by_priority_and_todays_global_prices(client, catalog):
    body = client.get(f"{API}/models/gpt-4o/").json()
    assert [e["region"] for e in body["endpoints"]] == ["us-east", "eu-west"]
    prices = {(p["tier"], p["region"], p["currency"]): p["input_per_million"] for p in body["pricing"]}
    assert prices == {("standard", None, "USD"): "2.5000", ("batch", None, "USD"): "1.2500"}


def test_pricing_as_of_a_past_date_shows_the_price_then(client, catalog):
    body = client.get(f"{API}/models/gpt-4o/", {"as_of": "2024-09-30"}).json()
    assert [(p["tier"], p["input_per_million"], p["effective_to"]) for p in body["pricing"]] == [
        ("standard", "5.0000", "2024-09-30")
    ]
    assert client.get(f"{API}/models/gpt-4o/", {"as_of": "2024-01-01"}).json()["pricing"] == []


def test_pricing_for_a_region_prefers_its_own_price_per_tier(client, catalog):
    body = client.get(f"{API}/models/gpt-4o/", {"region": "eu-west"}).json()
    prices = {(p["tier"], p["region"], p["currency"]) for p in body["pricing"]}
    assert prices == {("standard", "eu-west", "EUR"), ("batch", None, "USD")}


def test_pricing_for_a_region_without_prices_falls_back_to_global(client, catalog):
    body = client.get(f"{API}/models/gpt-4o/", {"region": "asia-east", "tier": "standard"}).json()
    assert [(p["region"], p["currency"], p["input_per_million"]) for p in body["pricing"]] == [(None, "USD", "2.5000")]


def test_price_history_lists_every_period(client, catalog):
    body = client.get(f"{API}/models/gpt-4o/pricing/").json()
    standard_usd = [
        (p["effective_from"], p["effective_to"]) for p in body if p["tier"] == "standard" and p["currency"] == "USD"
    ]
    assert standard_usd == [("2024-05-13", "2024-09-30"), ("2024-10-01", None)]
    assert len(body) == 4


def test_detail_documentation_follows_the_locale(client, catalog):
    def docs(locale):
        return [d["url"] for d in client.get(f"{API}/models/gpt-4o/", {"locale": locale}).json()["documentation"]]

    assert docs("ja-JP") == ["https://docs.example.com/ja", "https://docs.example.com/all"]
    assert docs("en-US") == ["https://docs.example.com/en", "https://docs.example.com/all"]
    assert docs("ko-KR") == ["https://docs.example.com/en", "https://docs.example.com/all"], (
        "no Korean pages: English ones"
    )


# -- locales ---------------------------------------------------------------------------------


def test_locale_parameter_resolves_names_and_says_so(client, catalog):
    response = client.get(f"{API}/models/gpt-4o/", {"locale": "zh-CN"})
    assert response["Content-Language"] == "zh-CN"
    assert response.json()["name"] == "GPT-4o（中文）"
    assert response.json()["description"] == "旗舰多模态模型。"


def test_accept_language_is_used_with_fallback_to_the_same_language(client, catalog):
    response = client.get(f"{API}/models/gpt-4o/", HTTP_ACCEPT_LANGUAGE="zh-TW,zh;q=0.8,en;q=0.5")
    assert response["Content-Language"] == "zh-TW"
    assert response.json()["name"] == "GPT-4o（中文）"


def test_missing_translation_falls_back_to_english(client, catalog):
    body = client.get(f"{API}/models/gpt-4o/", HTTP_ACCEPT_LANGUAGE="ko-KR").json()
    assert body["name"] == "GPT-4o" and body["description"] == "Flagship multimodal model."


def test_unknown_accept_language_means_english(client, catalog):
    response = client.get(f"{API}/models/", HTTP_ACCEPT_LANGUAGE="tlh, x-klingon;q=0.5")
    assert response.status_code == 200 and response["Content-Language"] == "en-US"


def test_locale_star_returns_full_maps(client, catalog):
    response = client.get(f"{API}/models/gpt-4o/", {"locale": "*"})
    assert response.json()["name"] == {"en-US": "GPT-4o", "zh-CN": "GPT-4o（中文）", "ja-JP": "GPT-4o（日本語）"}
    assert "zh-CN" in response["Content-Language"]


# -- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, params, status, code, mentions",
    [
        ("models/", {"locale": "xx-YY"}, 400, "unknown_locale", "xx-YY"),
        ("models/", {"page_size": "500"}, 400, "invalid_page_size", "200"),
        ("models/", {"page_size": "ten"}, 400, "invalid_page_size", "ten"),
        ("models/", {"min_context": "lots"}, 400, "invalid", "min_context"),
        ("models/", {"released_after": "2024-13-01"}, 400, "invalid", "released_after"),
        ("models/", {"ordering": "popularity"}, 400, "invalid", "ordering"),
        ("models/", {"active": "maybe"}, 400, "invalid", "active"),
        ("models/", {"capability": "telepathy"}, 400, "invalid", "telepathy"),
        ("models/gpt-4o/", {"as_of": "yesterday"}, 400, "invalid", "as_of"),
        ("models/gpt-4o/", {"region": "mars-1"}, 400, "invalid", "region"),
        ("models/nope/", {}, 404, "not_found", "nope"),
        ("models/nope/pricing/", {}, 404, "not_found", ""),
        ("providers/nope/", {}, 404, "not_found", ""),
        ("benchmarks/nope/leaderboard/", {}, 404, "not_found", ""),
        ("compare/", {}, 400, "invalid", "models"),
        ("compare/", {"models": "a,b,c,d,e,f,g"}, 400, "invalid", "6"),
        ("compare/", {"models": "gpt-4o,nope,nada"}, 404, "not_found", "nope, nada"),
        ("search/", {}, 400, "invalid", "q"),
        ("search/", {"q": "x" * 201}, 400, "invalid", "q"),
        ("models/", {"page": "99"}, 404, "not_found", ""),
    ],
)
def test_bad_requests_get_a_json_error_saying_what_was_wrong(client, catalog, path, params, status, code, mentions):
    response = client.get(f"{API}/{path}", params)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == code
    assert mentions in str(error)


# -- benchmarks --------------------------------------------------------------------------------


def test_leaderboard_ranks_latest_official_scores_with_stable_ties(client, catalog):
    suite = BenchmarkSuiteFactory(slug="mmlu")
    score = BenchmarkScoreFactory
    score(
        model=catalog["gpt"],
        suite=suite,
        score_raw=90,
        score_normalized=90,
        is_official=True,
        evaluation_date=datetime.date(2024, 1, 1),
    )
    score(
        model=catalog["gpt"],
        suite=suite,
        score_raw=85,
        score_normalized=85,
        is_official=True,
        evaluation_date=datetime.date(2024, 6, 1),
    )  # latest wins over the older, higher one
    score(
        model=catalog["claude"],
        suite=suite,
        score_raw=85,
        score_normalized=85,
        is_official=True,
        evaluation_date=datetime.date(2024, 3, 1),
    )  # tie: the earlier evaluation ranks first
    score(
        model=catalog["mini"],
        suite=suite,
        score_raw=85,
        score_normalized=85,
        is_official=True,
        evaluation_date=datetime.date(2024, 6, 1),
    )  # tie with gpt-4o on date too: slug decides
    score(model=catalog["deep"], suite=suite, score_raw=99, score_normalized=99, is_official=False)

    body = client.get(f"{API}/benchmarks/mmlu/leaderboard/").json()
    assert [(row["rank"], row["model"]["slug"], row["score_normalized"]) for row in body["results"]] == [
        (1, "claude-sonnet", "85.00"),
        (2, "gpt-4o", "85.00"),
        (3, "gpt-4o-mini", "85.00"),
    ]
    with_unofficial = client.get(f"{API}/benchmarks/mmlu/leaderboard/", {"include_unofficial": "true"}).json()
    assert with_unofficial["results"][0]["model"]["slug"] == "deepseek-chat"
    second_page = client.get(f"{API}/benchmarks/mmlu/leaderboard/", {"page_size": 2, "page": 2}).json()
    assert [(row["rank"], row["model"]["slug"]) for row in second_page["results"]] == [(3, "gpt-4o-mini")]


def test_benchmarks_list_filters_by_category(client, catalog):
    BenchmarkSuiteFactory(slug="humaneval", category="code")
    BenchmarkSuiteFactory(slug="mmlu", category="reasoning")
    body = client.get(f"{API}/benchmarks/", {"category": "code"}).json()
    assert [suite["slug"] for suite in body["results"]] == ["humaneval"]


# -- compare -----------------------------------------------------------------------------------


def test_compare_shows_models_side_by_side_with_shared_benchmarks(client, catalog):
    shared, only_gpt = BenchmarkSuiteFactory(slug="shared"), BenchmarkSuiteFactory(slug="only-gpt")
    for model in (catalog["gpt"], catalog["claude"]):
        BenchmarkScoreFactory(model=model, suite=shared, score_raw=80, score_normalized=80)
    BenchmarkScoreFactory(model=catalog["gpt"], suite=only_gpt)

    body = client.get(f"{API}/compare/", {"models": "claude-sonnet,gpt-4o,claude-sonnet"}).json()
    assert [model["slug"] for model in body["models"]] == ["claude-sonnet", "gpt-4o"]
    assert body["models"][1]["context_window"] == 128000
    assert {p["tier"] for p in body["models"][1]["pricing"]} == {"standard", "batch"}
    assert [b["suite"] for b in body["shared_benchmarks"]] == ["shared"]
    assert set(body["shared_benchmarks"][0]["scores"]) == {"claude-sonnet", "gpt-4o"}


# -- search ------------------------------------------------------------------------------------


def _search(client, q, **params):
    response = client.get(f"{API}/search/", {"q": q, **params})
    assert response.status_code == 200, response.content
    return [(row["type"], row["slug"]) for row in response.json()["results"]]


def test_search_tolerates_a_misspelled_provider(client, catalog):
    results = _search(client, "antropic")
    assert ("provider", "anthropic") in results
    assert ("model", "claude-sonnet") in results


def test_search_ignores_punctuation_in_model_names(client, catalog):
    assert _search(client, "gpt4o")[0] == ("model", "gpt-4o")


def test_search_finds_a_chinese_name_and_a_part_of_it(client, catalog):
    assert _search(client, "深度求索")[0] == ("model", "deepseek-chat")
    assert ("model", "deepseek-chat") in _search(client, "求索")


def test_search_ranks_models_and_providers_together(client, catalog):
    results = _search(client, "openai")
    assert results[0] == ("provider", "openai")
    assert {("model", "gpt-4o"), ("model", "gpt-4o-mini")} <= set(results)
    assert ("model", "old-model") not in results, "retired models are not search results"


def test_search_sql_function_keeps_the_seed_signature(catalog):
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, name, rank FROM search_models('gpt4o')")
        rows = cursor.fetchall()
    assert rows[0][0] == catalog["gpt"].id
    assert isinstance(rows[0][2], float)


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
