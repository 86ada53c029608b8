"""LiteLLM's model map mapped to the common shape: retirement dates and limits of the models of the
providers it shares with the catalog.

The map is copied into the project (data/litellm/, see its NOTE.md) rather than installed: the
`litellm` package is a client library with many dependencies, and only this file is read.

What is taken: the context and output limits, and `deprecation_date`, the day the maker stops
serving the model (its retirement: LiteLLM names it after the notice that announces it; the
dates reach into 2028), with the page that notice is on. A model whose retirement had passed when
the map was published is stated deprecated; one retiring later is still served and is not.
Left out: prices (per token as floats, with regional and tiered variants the other sources
already give) and feature flags (stated only when true, so their absence says nothing).
"""

import gzip
import json
from collections.abc import Mapping
from datetime import date
from importlib.resources import files
from typing import Any

from catalog.sources.identity import AWS_SCOPES, model_identity
from catalog.sources.records import OfferRecord, ProviderRecord, SourceData, SourceInfo

NAME = "litellm"
VERSION = "1.110.2"  # the litellm release the map was copied from
SNAPSHOT_DATE = date(2026, 11, 20)  # that release's upload to PyPI (the map itself is undated)
DATA = "data/litellm/model_prices_and_context_window.json.gz"
LICENCE_URL = "https://github.com/BerriAI/litellm/blob/main/LICENSE"

# LiteLLM provider ids -> (the provider's key in this source, its name, the catalog's id: genai-prices').
# Several LiteLLM ids are one provider's APIs (chat and text completion, Bedrock's two APIs); they
# share a key so a model is one offer. Only providers that are the same account and API as the
# catalog's are listed: Vertex AI, the gateways and the providers the catalog lacks are left out.
PROVIDERS: dict[str, tuple[str, str, str]] = {
    "anthropic": ("anthropic", "Anthropic", "anthropic"),
    "azure": ("azure", "Azure OpenAI", "azure"),
    "baseten": ("baseten", "Baseten", "baseten"),
    "bedrock": ("bedrock", "Amazon Bedrock", "aws"),
    "bedrock_converse": ("bedrock", "Amazon Bedrock", "aws"),
    "cerebras": ("cerebras", "Cerebras", "cerebras"),
    "cohere": ("cohere", "Cohere", "cohere"),
    "cohere_chat": ("cohere", "Cohere", "cohere"),
    "databricks": ("databricks", "Databricks", "databricks"),
    "deepseek": ("deepseek", "DeepSeek", "deepseek"),
    "fireworks_ai": ("fireworks_ai", "Fireworks AI", "fireworks"),
    "gemini": ("gemini", "Google AI Studio", "google"),
    "github_copilot": ("github_copilot", "GitHub Copilot", "github-copilot"),
    "groq": ("groq", "Groq", "groq"),
    "minimax": ("minimax", "MiniMax", "minimax"),
    "mistral": ("mistral", "Mistral AI", "mistral"),
    "moonshot": ("moonshot", "Moonshot AI", "moonshotai"),
    "novita": ("novita", "Novita AI", "novita"),
    "openai": ("openai", "OpenAI", "openai"),
    "text-completion-openai": ("openai", "OpenAI", "openai"),
    "perplexity": ("perplexity", "Perplexity", "perplexity"),
    "together_ai": ("together_ai", "Together AI", "together"),
    "voyage": ("voyage", "Voyage AI", "voyageai"),
    "xai": ("xai", "xAI", "x-ai"),
    "zai": ("zai", "Z.ai", "zai"),
}
# Providers whose models LiteLLM names without its "provider/" prefix ("gpt-4o", "anthropic.claude-...").
BARE_IDS = {"anthropic", "bedrock", "bedrock_converse", "cohere", "cohere_chat", "openai", "text-completion-openai"}
# Fireworks' full model path; the catalog's first source names its models without it.
FIREWORKS_PATH = "accounts/fireworks/models/"
# LiteLLM's modes that are models (the others price a tool: search, vector stores, guardrails).
MODES = {
    "audio_speech",
    "audio_transcription",
    "chat",
    "completion",
    "embedding",
    "image_edit",
    "image_generation",
    "moderation",
    "ocr",
    "realtime",
    "rerank",
    "responses",
    "video_generation",
}
# Where a "/" in the id is not part of a model's name: a region or deployment path, an image size
# ("1024-x-1024/gpt-image-1.5"), or Perplexity's Agent API, another product than its Sonar API.
NO_PATHS = {"azure", "bedrock", "bedrock_converse", "openai", "text-completion-openai", "perplexity"}


def model_id(provider: str, key: str) -> str | None:
    """The model's id at its provider, as the provider's API names it; None for a key that is not one
    model in one place (a size band's price, a region or deployment path, a fine-tune, a Bedrock
    cross-region profile, which is served while its model is)."""
    prefix = f"{provider}/"
    if key.startswith(prefix):
        key = key[len(prefix) :]
    elif provider not in BARE_IDS:
        return None  # "fireworks-ai-4.1b-to-16b": a price band
    if provider == "fireworks_ai":
        key = key.removeprefix(FIREWORKS_PATH)
    if key.startswith("ft:") or (provider in NO_PATHS and "/" in key):
        return None  # a fine-tune, "azure/eu/gpt-4o", "bedrock/us-east-1/...", "1024-x-1024/50-steps/..."
    if provider.startswith("bedrock") and key.split(".", 1)[0] in (*AWS_SCOPES, "us-gov"):
        return None
    return key


def read_date(text: Any) -> date | None:
    try:
        return date.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None


def offer_fields(entry: Mapping[str, Any]) -> dict[str, Any]:
    """The OFFER_FIELDS LiteLLM states about one model."""
    fields: dict[str, Any] = {}
    for key, name in (("max_input_tokens", "context_window"), ("max_output_tokens", "max_output_tokens")):
        # A bool is an int in Python; a 0 is LiteLLM's "not known".
        if isinstance(entry.get(key), int) and not isinstance(entry[key], bool) and entry[key] > 0:
            fields[name] = entry[key]
    if retired := read_date(entry.get("deprecation_date")):
        fields["sunset_at"] = retired
        if retired <= SNAPSHOT_DATE:
            fields["deprecated"] = True
        if isinstance(entry.get("deprecation_source"), str) and entry["deprecation_source"].startswith("https://"):
            fields["lifecycle_url"] = entry["deprecation_source"]
    return fields


def load() -> SourceData:
    providers: dict[str, ProviderRecord] = {}
    offers: dict[tuple[str, str], OfferRecord] = {}
    for key, entry in sorted(_data().items()):
        litellm_provider = entry.get("litellm_provider") if isinstance(entry, Mapping) else None
        if litellm_provider not in PROVIDERS or entry.get("mode") not in MODES:
            continue
        provider, name, catalog_key = PROVIDERS[litellm_provider]
        if (model := model_id(litellm_provider, key)) is None or (provider, model.lower()) in offers:
            continue  # the same model under a second key ("deepseek-chat", "deepseek/deepseek-chat")
        providers.setdefault(provider, ProviderRecord(key=provider, name=name, catalog_key=catalog_key))
        maker, base = model_identity(catalog_key, model)
        fields = offer_fields(entry)
        offers[provider, model.lower()] = OfferRecord(
            # A model the other sources do not list gets a row only for its retirement: LiteLLM
            # gives no name and (as taken here) no price, so the row would show nothing else.
            provider=provider,
            key=model,
            maker=maker,
            base=base,
            fields=fields,
            adds_row="sunset_at" in fields,
        )
    return SourceData(
        info=info(), providers=sorted(providers.values(), key=lambda p: p.key), offers=list(offers.values())
    )


def info() -> SourceInfo:
    return SourceInfo(
        name=NAME,
        title="LiteLLM",
        version=VERSION,
        snapshot_date=SNAPSHOT_DATE,
        licence="MIT",
        licence_url=LICENCE_URL,
        url="https://github.com/BerriAI/litellm",
        attribution="LiteLLM (MIT licence)",
    )


def _data() -> dict[str, Any]:
    with gzip.open(files("catalog.sources").joinpath(DATA).open("rb"), "rt", encoding="utf-8") as stream:
        return json.load(stream)
