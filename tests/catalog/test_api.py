"""The catalog read API as a client sees it: lists, filters, ordering, detail, locales, bad input."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.listings import listings_refresh

from .factories import (
    AIModelFactory,
    BenchmarkScoreFactory,
    BenchmarkSuiteFactory,
    ProviderFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.pgbouncer]
API = "/api/v1"


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
