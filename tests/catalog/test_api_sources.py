"""Where the API's values come from: the `sources` block of a model (facts, the offer's own fields,
each price shown), the same per row of the model list with ?include=sources, and /api/v1/sources/
(each source with its licence, attribution, last import and what the catalog takes from it)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog.listings import listings_refresh
from catalog.models import SourceDisagreement, SourceImport

from .factories import (
    AIModelFactory,
    CanonicalModelFactory,
    PricingFactory,
    ProviderFactory,
    SourceValueFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.pgbouncer]
API = "/api/v1"
IMPORTED = {"resolved": {"context_window": 200000, "released_at": "2025-09-29"}}


def _price_values(source: str, key: str, target, **prices) -> None:
    """A source's global price period of an offer: one source_key, a value per field (a global
    price states no region)."""
    period = {"effective_from": "2025-01-01", "tier": "standard", "currency": "USD", **prices}
    for field, value in period.items():
        SourceValueFactory(
            source=source, subject="price", source_key=key, target_id=target.pk, field=field, value=value
        )


@pytest.fixture
def sourced():
    """Claude Sonnet 4.5 as the import left it: models.dev agrees with its context window and
    LLM Stats differs; two sources state its price, one of them 10 % higher."""
    anthropic = ProviderFactory(slug="anthropic", name="Anthropic")
    canonical = CanonicalModelFactory(
        slug="claude-sonnet-4-5",
        maker=anthropic,
        context_window=200000,
        released_at=datetime.date(2025, 9, 29),
        metadata=IMPORTED,
    )
    offer = AIModelFactory(
        provider=anthropic,
        slug="claude-sonnet-4-5",
        canonical_model=canonical,
        context_window=200000,
        metadata=IMPORTED,
    )
    price = PricingFactory(model=offer, input_per_million=3, output_per_million=15, metadata={"source": "genai-prices"})
    for source, value in (("models.dev", 200000), ("llm-stats", 100000)):
        key = f"anthropic/claude-sonnet-4-5@{source}"
        SourceValueFactory(source=source, source_key=key, target_id=offer.pk, field="context_window", value=value)
    SourceValueFactory(
        source="models.dev", source_key="anthropic/claude", target_id=offer.pk, field="released_at", value="2025-09-29"
    )
    _price_values("genai-prices", "anthropic/claude:standard", offer, input_per_million="3", output_per_million="15")
    _price_values("model-prices", "anthropic/claude", offer, input_per_million="3.3", output_per_million="15")
    listings_refresh()
    return {"canonical": canonical, "offer": offer, "price": price}


# -- the model detail's sources block ---------------------------------------------------------


def test_model_detail_names_its_canonical_model(client, sourced):
    assert client.get(f"{API}/models/claude-sonnet-4-5/").json()["canonical_model"] == "claude-sonnet-4-5"
    AIModelFactory(slug="alone")
    assert client.get(f"{API}/models/alone/").json()["canonical_model"] is None


def test_sources_block_says_which_sources_agree_and_what_the_others_say(client, sourced):
    sources = client.get(f"{API}/models/claude-sonnet-4-5/").json()["sources"]
    for block in (sources["facts"], sources["offer"]):
        context = block["context_window"]
        assert context["value"] == 200000 and context["set_by_editor"] is False
        assert context["agree"] == ["models.dev"]
        assert context["differ"] == [{"source": "llm-stats", "value": 100000}]
        assert context["checked_at"] is not None
    assert sources["facts"]["released_at"]["agree"] == ["models.dev"]


def test_sources_block_explains_each_price_shown_by_its_id(client, sourced):
    body = client.get(f"{API}/models/claude-sonnet-4-5/").json()
    price_id = str(sourced["price"].pk)
    assert [row["id"] for row in body["pricing"]] == [price_id]
    shown = body["sources"]["prices"][price_id]
    assert shown["input_per_million"]["agree"] == ["genai-prices"]
    assert shown["input_per_million"]["differ"] == [{"source": "model-prices", "value": "3.3"}]
    assert shown["output_per_million"]["agree"] == ["genai-prices", "model-prices"]
    assert shown["input_per_million"]["set_by_editor"] is False


def test_an_editors_value_and_decision_are_marked(client, sourced, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sourced["offer"].context_window = 180000  # differs from what the import wrote
        sourced["offer"].save()
        SourceDisagreement.objects.create(
            subject="canonical", target_id=sourced["canonical"].pk, field="released_at", status="resolved"
        )
    sources = client.get(f"{API}/models/claude-sonnet-4-5/").json()["sources"]
    assert sources["offer"]["context_window"]["set_by_editor"] is True
    assert sources["offer"]["context_window"]["agree"] == []
    assert sources["facts"]["released_at"]["set_by_editor"] is True
    assert sources["facts"]["context_window"]["set_by_editor"] is False


def test_a_model_without_canonical_model_has_no_facts_but_its_own_fields(client, sourced):
    alone = AIModelFactory(slug="alone", context_window=8000)
    SourceValueFactory(source="models.dev", target_id=alone.pk, field="context_window", value=8000)
    sources = client.get(f"{API}/models/alone/").json()["sources"]
    assert sources["facts"] == {}
    assert sources["offer"]["context_window"]["agree"] == ["models.dev"]


# -- ?include=sources on the model list ---------------------------------------------------------


def test_list_rows_get_sources_only_when_asked(client, sourced):
    plain = client.get(f"{API}/models/").json()["results"][0]
    assert "sources" not in plain
    row = client.get(f"{API}/models/", {"include": "sources"}).json()["results"][0]
    assert {key: value for key, value in row.items() if key != "sources"} == plain
    assert row["sources"]["offer"]["context_window"]["differ"] == [{"source": "llm-stats", "value": 100000}]
    assert row["sources"]["prices"][str(sourced["price"].pk)]["input_per_million"]["agree"] == ["genai-prices"]


def test_list_with_sources_query_count_does_not_grow_with_rows(client, sourced):
    counts = []
    for extra in (0, 15):
        for _ in range(extra):
            model = AIModelFactory(canonical_model=CanonicalModelFactory())
            PricingFactory(model=model)
            SourceValueFactory(target_id=model.pk)
        listings_refresh()
        with CaptureQueriesContext(connection) as queries:
            body = client.get(f"{API}/models/", {"include": "sources", "page_size": 200, "extra": extra}).json()
        assert len(body["results"]) == 1 + extra and all("sources" in row for row in body["results"])
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 4, counts


@pytest.mark.parametrize("include", ["everything", "sources,scores"])
def test_unknown_include_is_a_400_naming_it(client, sourced, include):
    response = client.get(f"{API}/models/", {"include": include})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and "include" in error["details"]["fields"]
    assert include.split(",")[-1] in str(error)


# -- /api/v1/sources/ ---------------------------------------------------------------------------


def test_sources_lists_every_source_with_licence_and_attribution(client, sourced):
    sources = {row["name"]: row for row in client.get(f"{API}/sources/").json()}
    assert list(sources) == ["genai-prices", "models.dev", "model-prices", "llm-stats", "litellm"]
    assert {name: row["licence"] for name, row in sources.items()} == {
        "genai-prices": "MIT",
        "models.dev": "MIT",
        "model-prices": "MIT",
        "llm-stats": "CC BY 4.0",
        "litellm": "MIT",
    }
    assert sources["litellm"]["attribution"] == "LiteLLM (MIT licence)"
    llm_stats = sources["llm-stats"]
    assert llm_stats["attribution"].startswith("LLM Stats (llm-stats.com), CC BY 4.0")
    assert llm_stats["licence_url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert (llm_stats["title"], llm_stats["version"], llm_stats["snapshot_date"]) == (
        "LLM Stats",
        "872b75f",
        "2025-10-24",
    )


def test_sources_count_the_values_taken_from_each(client, sourced):
    sources = {row["name"]: row for row in client.get(f"{API}/sources/").json()}
    assert (sources["models.dev"]["values"], sources["llm-stats"]["values"], sources["genai-prices"]["values"]) == (
        2,
        1,
        5,
    )
    assert sources["models.dev"]["last_import"] is None


def test_a_finished_import_shows_at_once(client, sourced, django_capture_on_commit_callbacks):
    assert client.get(f"{API}/sources/").json()[3]["last_import"] is None
    with django_capture_on_commit_callbacks(execute=True):
        record = SourceImport.objects.create(source="llm-stats", version="872b75f")
        record.status, record.finished_at, record.counts = "done", timezone.now(), {"values": {"new": 3}}
        record.save()
    last = client.get(f"{API}/sources/").json()[3]["last_import"]
    assert (last["status"], last["version"], last["counts"]) == ("done", "872b75f", {"values": {"new": 3}})
    assert last["finished_at"] is not None


def test_sources_are_public(client, sourced):
    response = client.get(f"{API}/sources/")
    assert response.status_code == 200 and response["Cache-Control"] == "public, max-age=60"


def test_openapi_schema_documents_sources(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    assert f"{API}/sources/" in schema["paths"]
    assert "include" in {param["name"] for param in schema["paths"][f"{API}/models/"]["get"]["parameters"]}
    components = schema["components"]["schemas"]
    assert {"canonical_model", "sources"} <= set(components["ModelDetail"]["properties"])
    assert "sources" in components["ModelList"]["properties"]
    assert "sources" not in components["ModelList"].get("required", []), "rows have it only when asked"
