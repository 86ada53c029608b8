"""Canonical models in the API as a client sees them: the list (best price, filters, orderings), one
model with every provider's offer and the cheapest named, its offers alone, bad input."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.listings import listings_refresh
from catalog.models import AIModel, CanonicalModel, ExchangeRate

from .factories import (
    AIModelFactory,
    BenchmarkScoreFactory,
    BenchmarkSuiteFactory,
    CanonicalModelFactory,
    ModelEndpointFactory,
    PricingFactory,
    ProviderFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.pgbouncer]
API = "/api/v1/canonical-models"
day = datetime.date


def _offer(canonical, provider, slug, input_price=None, output_price=None, currency="USD", **fields):
    offer = AIModelFactory(provider=provider, slug=slug, canonical_model=canonical, **fields)
    if input_price is not None:
        PricingFactory(model=offer, currency=currency, input_per_million=input_price, output_per_million=output_price)
    return offer


@pytest.fixture
def canonical():
    """Claude Sonnet 4.5 from Anthropic and, cheaper once converted from EUR, from AWS; GPT-4o
    from OpenAI alone; gpt-oss-120b (open weights) from three providers; one model with no
    maker, date or offer."""
    anthropic = ProviderFactory(slug="anthropic", name="Anthropic")
    openai = ProviderFactory(slug="openai", name="OpenAI")
    aws = ProviderFactory(slug="aws", name="AWS Bedrock", regions=["us-east", "eu-west"])
    groq = ProviderFactory(slug="groq", name="Groq")
    # 1 EUR = 1.10 USD: AWS's EUR 2.50 / 12.00 is USD 2.75 / 13.20
    ExchangeRate.objects.create(currency="USD", rate=Decimal("1.10"), effective_date=day(2024, 1, 2), source="ecb")
    oss = CanonicalModelFactory(slug="gpt-oss-120b", name={"en-US": "gpt-oss-120b"}, maker=openai)
    successor = CanonicalModelFactory(
        slug="claude-sonnet-4-5",
        name={"en-US": "Claude Sonnet 4.5", "zh-CN": "Claude Sonnet 4.5（中文）"},
        maker=anthropic,
        family="claude-sonnet",
        released_at=day(2025, 9, 29),
        training_cutoff=day(2025, 7, 31),
        open_weights=False,
        license="Proprietary",
        context_window=200000,
        max_output_tokens=64000,
        modalities=["text", "image"],
        capabilities=["function_calling"],
    )
    gpt = CanonicalModelFactory(
        slug="gpt-4o",
        name={"en-US": "GPT-4o"},
        maker=openai,
        released_at=day(2024, 5, 13),
        deprecated_at=day(2025, 6, 1),
        sunset_at=day(2026, 6, 1),
        successor=successor,
        open_weights=False,
        context_window=128000,
    )
    oss.released_at, oss.open_weights, oss.context_window = day(2025, 8, 5), True, 131072
    oss.save()
    CanonicalModelFactory(slug="mystery", name={"en-US": "Mystery"}, maker=None)
    sonnet = _offer(successor, anthropic, "claude-sonnet-4-5", "3", "15", context_window=200000)
    sonnet_aws = _offer(successor, aws, "claude-sonnet-4-5-aws", "2.5", "12", currency="EUR", max_output_tokens=64000)
    ModelEndpointFactory(model=sonnet_aws, region="eu-west")
    _offer(gpt, openai, "gpt-4o", "2.5", "10")
    for provider, price in ((openai, "0.15"), (groq, "0.10"), (aws, None)):
        _offer(oss, provider, f"gpt-oss-120b-{provider.slug}", price, "0.60" if price else None)
    return {"sonnet": sonnet, "sonnet_aws": sonnet_aws, "claude": successor, "gpt": gpt, "oss": oss}


def _slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


# -- the list ----------------------------------------------------------------------------------


def test_list_rows_carry_maker_offers_best_price_in_usd_and_context(client, canonical, django_assert_num_queries):
    # The best prices' rows carry their offer's slug and provider (catalog.selectors.standard_prices_of):
    # none is read again per row.
    with django_assert_num_queries(6):
        rows = {row["slug"]: row for row in client.get(f"{API}/").json()["results"]}
    claude = rows["claude-sonnet-4-5"]
    assert claude["name"] == "Claude Sonnet 4.5" and claude["maker"] == {"slug": "anthropic", "name": "Anthropic"}
    assert (claude["released_at"], claude["offer_count"], claude["context_window"]) == ("2025-09-29", 2, 200000)
    assert claude["best_price"] == {
        "model": "claude-sonnet-4-5-aws",
        "provider": {"slug": "aws", "name": "AWS Bedrock"},
        "input_per_million": "2.7500",
        "output_per_million": "13.2000",
        "currency": "USD",
        "original_currency": "EUR",
        "rate_date": "2024-01-02",
    }
    assert rows["gpt-oss-120b"]["best_price"]["model"] == "gpt-oss-120b-groq"
    assert rows["mystery"]["maker"] is None and rows["mystery"]["best_price"] is None
    assert rows["mystery"]["offer_count"] == 0


def test_list_names_follow_the_locale(client, canonical):
    rows = client.get(f"{API}/", {"locale": "zh-CN"}).json()["results"]
    assert "Claude Sonnet 4.5（中文）" in [row["name"] for row in rows]


def test_list_headline_score_is_a_real_score_of_an_offer(client, canonical):
    suite = BenchmarkSuiteFactory(slug="gpqa", name="GPQA")
    BenchmarkScoreFactory(
        model=canonical["sonnet"],
        suite=suite,
        score_normalized="83.40",
        source="llm-stats",
        source_url="https://x.test",
    )
    rows = {row["slug"]: row for row in client.get(f"{API}/").json()["results"]}
    score = rows["claude-sonnet-4-5"]["headline_score"]
    assert (score["suite"], score["score_normalized"], score["source_url"]) == ("gpqa", "83.40", "https://x.test")
    assert rows["gpt-4o"]["headline_score"] is None


@pytest.mark.parametrize(
    "ordering, expected",
    [
        (None, ["claude-sonnet-4-5", "gpt-oss-120b", "gpt-4o", "mystery"]),
        ("newest", ["claude-sonnet-4-5", "gpt-oss-120b", "gpt-4o", "mystery"]),
        ("popularity", ["gpt-oss-120b", "claude-sonnet-4-5", "gpt-4o", "mystery"]),
        ("name", ["claude-sonnet-4-5", "gpt-4o", "gpt-oss-120b", "mystery"]),
    ],
)
def test_list_orderings(client, canonical, ordering, expected):
    params = {"ordering": ordering} if ordering else {}
    assert _slugs(client.get(f"{API}/", params)) == expected


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"maker": "openai"}, ["gpt-4o", "gpt-oss-120b"]),
        ({"maker": "anthropic,openai", "open_weights": "false"}, ["claude-sonnet-4-5", "gpt-4o"]),
        ({"open_weights": "true"}, ["gpt-oss-120b"]),
        ({"released_after": "2025-08-05"}, ["claude-sonnet-4-5"]),
        ({"released_before": "2025-08-05"}, ["gpt-4o"]),
        ({"q": "sonnet"}, ["claude-sonnet-4-5"]),
        ({"q": "gpt-oss"}, ["gpt-oss-120b"]),
    ],
)
def test_list_filters(client, canonical, params, expected):
    assert sorted(_slugs(client.get(f"{API}/", params))) == expected


def test_list_query_count_does_not_grow_with_rows(client, canonical):
    counts = []
    for extra in (0, 12):
        for _ in range(extra):
            model = CanonicalModelFactory(released_at=day(2024, 1, 1))
            _offer(model, ProviderFactory(), f"offer-of-{model.slug}", "1", "2", currency="EUR")
        with CaptureQueriesContext(connection) as queries:
            assert len(_slugs(client.get(f"{API}/", {"page_size": 200, "extra": extra}))) == 4 + extra
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


# -- one model and its offers ------------------------------------------------------------------


def test_detail_gives_the_facts_and_lifecycle(client, canonical):
    body = client.get(f"{API}/gpt-4o/").json()
    assert body["maker"] == {"slug": "openai", "name": "OpenAI"}
    assert (body["released_at"], body["deprecated_at"], body["sunset_at"]) == ("2024-05-13", "2025-06-01", "2026-06-01")
    assert body["successor"] == "claude-sonnet-4-5"
    claude = client.get(f"{API}/claude-sonnet-4-5/").json()
    assert claude["successor"] is None
    assert {key: claude[key] for key in ("family", "training_cutoff", "open_weights", "license")} == {
        "family": "claude-sonnet",
        "training_cutoff": "2025-07-31",
        "open_weights": False,
        "license": "Proprietary",
    }
    assert (claude["context_window"], claude["max_output_tokens"], claude["parameter_count"]) == (200000, 64000, None)
    assert claude["modalities"] == ["text", "image"] and claude["capabilities"] == ["function_calling"]


def test_detail_lists_every_offer_the_makers_first_and_names_the_cheapest(client, canonical):
    body = client.get(f"{API}/claude-sonnet-4-5/").json()
    offers = body["offers"]
    assert [offer["model"] for offer in offers] == ["claude-sonnet-4-5", "claude-sonnet-4-5-aws"]
    own, aws = offers
    assert own["provider"] == {"slug": "anthropic", "name": "Anthropic"} and own["regions"] == ["us-east"]
    assert aws["regions"] == ["eu-west"], "its endpoints' regions before its provider's"
    assert (aws["price"]["currency"], aws["price"]["input_per_million"], aws["price"]["tier"]) == (
        "EUR",
        "2.5000",
        "standard",
    )
    assert (aws["max_output_tokens"], aws["is_active"]) == (64000, True)
    assert [offer["cheapest"] for offer in offers] == [False, True]
    assert body["cheapest_offer"]["model"] == "claude-sonnet-4-5-aws"
    assert body["cheapest_offer"]["input_per_million"] == "2.7500"


def test_an_offer_without_a_price_is_listed_and_never_the_cheapest(client, canonical):
    body = client.get(f"{API}/gpt-oss-120b/").json()
    unpriced = next(offer for offer in body["offers"] if offer["model"] == "gpt-oss-120b-aws")
    assert unpriced["price"] is None and unpriced["cheapest"] is False
    assert body["cheapest_offer"]["model"] == "gpt-oss-120b-groq"
    assert client.get(f"{API}/mystery/").json()["cheapest_offer"] is None


def test_offers_endpoint_lists_the_same_offers(client, canonical):
    offers = client.get(f"{API}/claude-sonnet-4-5/offers/").json()
    detail = client.get(f"{API}/claude-sonnet-4-5/").json()["offers"]
    assert offers == detail


def test_detail_query_count_does_not_grow_with_offers(client, canonical):
    counts = []
    for slug in ("gpt-4o", "gpt-oss-120b"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{API}/{slug}/").status_code == 200
        counts.append(len(queries))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{API}/{slug}/offers/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[2] and counts[1] == counts[3], counts


def test_an_editors_change_shows_in_the_next_get(client, canonical, django_capture_on_commit_callbacks):
    assert client.get(f"{API}/gpt-4o/").json()["sunset_at"] == "2026-06-01"
    assert client.get(f"{API}/gpt-4o/offers/").json()[0]["context_window"] == 128000
    with django_capture_on_commit_callbacks(execute=True):
        canonical["gpt"].sunset_at = day(2026, 9, 1)
        canonical["gpt"].save()
        offer = canonical["gpt"].offers.get()
        offer.context_window = 256000
        offer.save()
    assert client.get(f"{API}/gpt-4o/").json()["sunset_at"] == "2026-09-01"
    assert client.get(f"{API}/gpt-4o/offers/").json()[0]["context_window"] == 256000


def test_an_import_shows_once_it_refreshes_the_listings(client, canonical):
    assert client.get(f"{API}/gpt-4o/").json()["released_at"] == "2024-05-13"
    assert client.get(f"{API}/gpt-4o/offers/").json()[0]["context_window"] == 128000
    # The import writes with bulk statements (no signals) and ends with listings_refresh().
    CanonicalModel.objects.filter(slug="gpt-4o").update(released_at=day(2024, 5, 14))
    AIModel.objects.filter(slug="gpt-4o").update(context_window=64000)
    listings_refresh()
    assert client.get(f"{API}/gpt-4o/").json()["released_at"] == "2024-05-14"
    assert client.get(f"{API}/gpt-4o/offers/").json()[0]["context_window"] == 64000


# -- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, params, status, code, mentions",
    [
        ("", {"ordering": "cheapest"}, 400, "invalid", "ordering"),
        ("", {"released_after": "2024-13-01"}, 400, "invalid", "released_after"),
        ("", {"released_before": "soon"}, 400, "invalid", "released_before"),
        ("", {"open_weights": "maybe"}, 400, "invalid", "open_weights"),
        ("", {"page_size": "500"}, 400, "invalid_page_size", "200"),
        ("", {"page": "9"}, 404, "not_found", ""),
        ("nope/", {}, 404, "not_found", "nope"),
        ("nope/offers/", {}, 404, "not_found", "nope"),
    ],
)
def test_bad_requests_get_a_json_error_saying_what_was_wrong(client, canonical, path, params, status, code, mentions):
    response = client.get(f"{API}/{path}", params)
    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == code
    assert mentions in str(error)


def test_openapi_schema_documents_canonical_models_and_their_parameters(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    for path in [f"{API}/", f"{API}/{{slug}}/", f"{API}/{{slug}}/offers/"]:
        assert path in paths, path
    params = {param["name"] for param in paths[f"{API}/"]["get"]["parameters"]}
    assert {"maker", "q", "released_after", "released_before", "open_weights", "ordering", "page_size"} <= params
    detail = schema["components"]["schemas"]["CanonicalModelDetail"]["properties"]
    assert {"offers", "cheapest_offer", "sources", "successor", "sunset_at"} <= set(detail)
