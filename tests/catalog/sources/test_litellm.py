"""catalog.sources.litellm against the copy of LiteLLM's model map in the project: pure, no database."""

import gzip
import hashlib
from datetime import date
from importlib.resources import files

import pytest
from genai_prices.data import providers as genai_providers

from catalog.sources import litellm, source_info
from catalog.sources.records import OFFER_FIELDS, SourceData


@pytest.fixture(scope="module")
def data() -> SourceData:
    return litellm.load()


def offer(data: SourceData, provider: str, model: str):
    return next(o for o in data.offers if (o.provider, o.key) == (provider, model))


def keys(data: SourceData) -> set[tuple[str, str]]:
    return {(o.provider, o.key) for o in data.offers}


def test_the_copy_is_the_file_its_note_names():
    raw = gzip.decompress(files("catalog.sources").joinpath(litellm.DATA).read_bytes())
    note = files("catalog.sources").joinpath("data/litellm/NOTE.md").read_text()
    assert hashlib.sha256(raw).hexdigest() in note
    assert f"`litellm` {litellm.VERSION}" in note


def test_info_names_version_snapshot_and_licence():
    info = source_info("litellm")
    assert (info.name, info.version, info.snapshot_date, info.licence) == (
        "litellm",
        "1.110.2",
        date(2026, 11, 20),
        "MIT",
    )
    assert info.attribution == "LiteLLM (MIT licence)"


def test_every_provider_maps_to_a_catalog_provider(data):
    catalog_ids = {provider.id for provider in genai_providers}
    assert {catalog_key for _key, _name, catalog_key in litellm.PROVIDERS.values()} <= catalog_ids
    assert {p.catalog_key for p in data.providers} <= catalog_ids
    # One key per catalog provider: its two APIs' models are one offer each, never two.
    by_catalog = {}
    for key, _name, catalog_key in litellm.PROVIDERS.values():
        assert by_catalog.setdefault(catalog_key, key) == key


def test_model_ids_are_the_providers_own(data):
    found = keys(data)
    assert ("openai", "gpt-4o") in found
    assert ("gemini", "gemini-2.5-pro") in found  # "gemini/gemini-2.5-pro"
    assert ("openai", "gpt-3.5-turbo-instruct") in found  # from text-completion-openai
    assert ("bedrock", "anthropic.claude-sonnet-4-5-20250929-v1:0") in found
    assert ("fireworks_ai", "deepseek-v4-flash") in found  # not accounts/fireworks/models/...
    assert ("deepseek", "deepseek-chat") in found
    assert sum(1 for provider, model in found if (provider, model.lower()) == ("deepseek", "deepseek-chat")) == 1


@pytest.mark.parametrize(
    ("provider", "key"),
    [
        ("fireworks_ai", "fireworks-ai-4.1b-to-16b"),  # a price band, not a model
        ("azure", "azure/eu/gpt-4o"),  # a regional deployment
        ("bedrock", "us.anthropic.claude-sonnet-4-5-20250929-v1:0"),  # a cross-region profile
        ("bedrock", "us-gov.nvidia.nemotron-nano-9b-v2"),
        ("bedrock", "1024-x-1024/50-steps/bedrock/amazon.nova-canvas-v1:0"),  # an image size's price
        ("openai", "1024-x-1024/gpt-image-1.5"),
        ("openai", "ft:gpt-4o-2024-08-06"),  # a fine-tune
        ("perplexity", "perplexity/anthropic/claude-sonnet-4-5"),  # the Agent API, another product
    ],
)
def test_keys_that_are_not_one_model_in_one_place_are_left_out(provider, key):
    assert litellm.model_id(provider, key) is None


def test_tools_priced_like_models_are_left_out(data):
    assert litellm.model_id("perplexity", "perplexity/search") == "search"
    assert ("perplexity", "search") not in keys(data)  # mode "search": a web-search tool's price


def test_limits_and_retirement_in_aigo_names(data):
    assert offer(data, "openai", "gpt-4o").fields == {
        "context_window": 128000,
        "max_output_tokens": 16384,
        "sunset_at": date(2027, 1, 14),
        "lifecycle_url": "https://developers.openai.com/api/docs/deprecations",
    }
    assert set().union(*(o.fields for o in data.offers)) <= set(OFFER_FIELDS)


def test_a_model_retired_before_the_snapshot_is_deprecated_a_later_one_is_not(data):
    gpt4 = offer(data, "openai", "gpt-4").fields  # retired 2026-10-23
    assert (gpt4["sunset_at"], gpt4.get("deprecated")) == (date(2026, 10, 23), True)
    assert "deprecated" not in offer(data, "openai", "gpt-4o").fields  # retires 2027-01-14
    assert "deprecated_at" not in gpt4  # LiteLLM does not say when it was announced


def test_a_model_the_other_sources_lack_makes_a_row_only_for_its_retirement(data):
    assert offer(data, "openai", "gpt-4-1106-preview").adds_row is True  # retired: the lifecycle needs it
    assert offer(data, "cohere", "rerank-v3.5").adds_row is False  # limits only: it describes, adds nothing


def test_unknown_limits_and_bad_dates_are_left_out():
    assert litellm.offer_fields({"max_input_tokens": 0, "max_output_tokens": True}) == {}
    assert litellm.offer_fields({"deprecation_date": "2026-02-31", "deprecation_source": "http://x"}) == {}
    assert litellm.offer_fields({"deprecation_date": "2027-01-01", "deprecation_source": "ftp://x"}) == {
        "sunset_at": date(2027, 1, 1)
    }


def test_models_keep_their_identity_across_providers(data):
    assert (offer(data, "azure", "gpt-4o").maker, offer(data, "azure", "gpt-4o").base) == ("openai", "gpt-4o")
    sonnet = offer(data, "bedrock", "anthropic.claude-sonnet-4-5-20250929-v1:0")
    assert (sonnet.maker, sonnet.base) == ("anthropic", "claude-sonnet-4-5")
