"""Mapping rules: which released model an offer is, whoever sells it and however they spell it."""

import pytest

from catalog.sources.identity import canonical_base, canonical_key, model_identity

SAME_MODEL = [
    # (provider id in genai-prices' vocabulary, the provider's model id) -> (maker, base)
    ("anthropic", "claude-sonnet-4-5", ("anthropic", "claude-sonnet-4-5")),
    ("anthropic", "claude-sonnet-4-5-20250929", ("anthropic", "claude-sonnet-4-5")),
    ("aws", "global.anthropic.claude-sonnet-4-5-20250929-v1:0", ("anthropic", "claude-sonnet-4-5")),
    ("aws", "jp.anthropic.claude-sonnet-4-5-20250929-v1:0", ("anthropic", "claude-sonnet-4-5")),
    ("google", "claude-sonnet-4-5@20250929", ("anthropic", "claude-sonnet-4-5")),
    ("openrouter", "anthropic/claude-sonnet-4.5", ("anthropic", "claude-sonnet-4-5")),
    ("openrouter", "openai/gpt-4o:batch", ("openai", "gpt-4o")),
    ("openai", "gpt-4o-2024-08-06", ("openai", "gpt-4o")),
    ("cloudflare", "@cf/meta/llama-3-8b-instruct", ("meta", "llama-3-8b-instruct")),
    ("databricks", "databricks-gpt-oss-120b", ("openai", "gpt-oss-120b")),
]


@pytest.mark.parametrize(("provider", "model", "expected"), SAME_MODEL)
def test_offers_of_one_model_share_its_identity(provider, model, expected):
    assert model_identity(provider, model) == expected


def test_different_models_stay_apart():
    assert canonical_base("claude-sonnet-4-5") != canonical_base("claude-sonnet-4")
    assert canonical_base("gpt-4o") != canonical_base("gpt-4o-mini")
    # A snapshot date is dropped; a size or a variant is not.
    assert canonical_base("qwen3-32b") != canonical_base("qwen3-8b")


def test_a_model_whose_maker_is_unknown_is_its_sellers():
    assert canonical_key(None, "anubis-pro-105b-v1", "openrouter") == "@openrouter/anubis-pro-105b-v1"
    assert canonical_key("anthropic", "claude-sonnet-4-5", "aws") == "anthropic/claude-sonnet-4-5"
