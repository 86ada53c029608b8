"""How the genai-prices package maps onto the catalog, without the database: ids, slugs, price
keys and variants, and editor values merged with imported ones."""

from catalog.sources.apply.merge import merge_fields
from catalog.sources.genai_prices import (
    normalise_id,
    price_key_name,
    slug_candidates,
    variant_tier,
)

# The mapping, without the database


def test_vendor_prefixes_and_offers_are_stripped_conservatively():
    assert normalise_id("openrouter", "openai/gpt-4o") == ("gpt-4o", [], "openai")
    assert normalise_id("openrouter", "openai/gpt-4o:batch") == ("gpt-4o", ["batch"], "openai")
    assert normalise_id("cloudflare", "@cf/meta/llama-3-8b-instruct") == ("llama-3-8b-instruct", [], "meta")
    assert normalise_id("aws", "global.anthropic.claude-opus-4-5-v1:0") == ("claude-opus-4-5", ["global"], "anthropic")
    assert normalise_id("aws", "mistral.mistral-7b-instruct-v0:2")[0] == "mistral-7b-instruct-v0.2"
    assert normalise_id("huggingface_groq", "Qwen/Qwen3-32B")[0] == "qwen3-32b"
    assert normalise_id("databricks", "databricks-gpt-oss-120b")[0] == "gpt-oss-120b"
    # Served by Perplexity, made by Moonshot: Perplexity does not get the bare slug.
    assert normalise_id("perplexity", "perplexity/kimi-k3")[2] == "moonshotai"
    # No guessing: dots and dashes are different names.
    assert normalise_id("github-copilot", "claude-haiku-4.5")[0] != normalise_id("anthropic", "claude-haiku-4-5")[0]


def test_slug_candidates_prefer_the_bare_name_for_the_maker_only():
    assert next(slug_candidates("gpt-4o", "openai", True)) == "gpt-4o"
    candidates = slug_candidates("gpt-4o", "openrouter", False)
    assert [next(candidates) for _ in range(2)] == ["gpt-4o-openrouter", "gpt-4o-openrouter-2"]
    assert len(next(slug_candidates("x" * 120, "huggingface-fireworks-ai", False))) == 100


def test_price_keys_and_variants_have_readable_names():
    assert price_key_name("cache_read_mtok") == "cache_read_per_million"
    assert price_key_name("cache_write_1h_mtok") == "cache_write_1h_per_million"
    assert price_key_name("output_reasoning_mtok") == "reasoning_output_per_million"
    assert price_key_name("web_searches_kcount") == "web_search_per_thousand"
    assert price_key_name("input_document_kpages") == "input_document_per_thousand_pages"
    assert variant_tier({"processing": "batch"}) == ("batch", None)
    assert variant_tier({"service_tier": "priority"}) == ("priority", None)
    assert variant_tier({"search_type": "fast"}) == ("search-fast", None)
    assert variant_tier({"route": "mistral/eu"}) == ("standard", "eu-west")


def test_editor_values_win_and_list_fields_merge():
    writes, baseline, kept = merge_fields(
        {"name": "GPT-4o", "context_window": 128000, "capabilities": ["batch", "function_calling"]},
        {"name": "gpt 4o", "context_window": 128000, "capabilities": ["batch", "web_search"]},
        {"name": "gpt-4o (2026)", "context_window": 256000, "capabilities": ["prompt_caching", "web_search"]},
    )
    # name: edited, so kept; context_window: untouched, so it follows. capabilities: the editor
    # added function_calling and removed web_search, the package dropped batch and added
    # prompt_caching; both apply.
    assert writes == {"context_window": 256000, "capabilities": ["function_calling", "prompt_caching"]}
    assert baseline["name"] == "gpt 4o" and baseline["context_window"] == 256000
    assert kept
