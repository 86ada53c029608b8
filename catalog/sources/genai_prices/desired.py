"""The catalog's desired rows: one dataclass per provider and model of the package, in import order."""

from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import version

from genai_prices.types import (
    ClauseAnd,
    ClauseContains,
    ClauseEndsWith,
    ClauseEquals,
    ClauseOr,
    ClauseRegex,
    ClauseStartsWith,
    ModelInfo,
    PriceVariant,
    Provider,
)

from catalog.choices import MODALITIES
from catalog.sources.identity import HOME_VENDORS, PROVIDER_SLUG_LENGTH, normalise_id, slugify

from .prices import DesiredPrice, model_prices, price_keys, published_prices

SOURCE = "genai-prices"


@dataclass(frozen=True)
class DesiredModel:
    source_key: str
    slug_stem: str
    own: bool  # the provider made it, so it may take the bare slug
    deprecated: bool
    # imported fields in their JSON form (also kept in metadata["imported"])
    fields: dict
    metadata: dict
    prices: list[DesiredPrice]


@dataclass(frozen=True)
class DesiredProvider:
    source_id: str
    slug: str
    name: str
    metadata: dict
    models: list[DesiredModel]


def source_version() -> str:
    return version("genai-prices")


def default_providers() -> list[Provider]:
    # Imported when needed: the package's data is 2,330 models that web processes never use.
    from genai_prices.data import providers

    return providers


def desired_catalog(providers: Sequence[Provider]) -> list[DesiredProvider]:
    order = {provider_id: index for index, provider_id in enumerate(HOME_VENDORS)}
    ordered = sorted(providers, key=lambda provider: (order.get(provider.id, len(order)), provider.id))
    return [desired_provider(provider) for provider in ordered]


def desired_provider(provider: Provider) -> DesiredProvider:
    metadata = {
        "source": SOURCE,
        "source_id": provider.id,
        "pricing_urls": list(provider.pricing_urls or []),
        "api_pattern": provider.api_pattern,
    }
    for key in ("description", "price_comments"):
        if getattr(provider, key):
            metadata[key] = getattr(provider, key)
    return DesiredProvider(
        source_id=provider.id,
        slug=slugify(provider.id)[:PROVIDER_SLUG_LENGTH],
        name=provider.name,
        metadata=metadata,
        models=[desired_model(provider.id, model) for model in provider.models],
    )


def desired_model(provider_id: str, model: ModelInfo) -> DesiredModel:
    foundation, offer, vendor = normalise_id(provider_id, model.id)
    home = HOME_VENDORS.get(provider_id)
    keys = price_keys(model)
    metadata = {"match": match_text(model.match)}
    if model.price_comments:
        metadata["price_comments"] = model.price_comments
    return DesiredModel(
        source_key=f"{provider_id}:{model.id}",
        slug_stem=slugify("-".join([foundation, *offer])),
        own=home is not None and vendor in (None, home),
        deprecated=bool(model.deprecated),
        fields={
            "name": model.name or model.id,
            "description": model.description or None,
            "context_window": model.context_window,
            "foundation_model": foundation[:100],
            "modalities": _modalities(keys),
            "capabilities": _capabilities(keys, model.price_variants or []),
            "is_active": not model.deprecated,
        },
        metadata=metadata,
        prices=published_prices(provider_id, model.id, model_prices(model)),
    )


def _modalities(keys: set[str]) -> list[str]:
    found = set()
    if keys & {"input_mtok", "output_mtok", "input_mchars"}:
        found.add("text")
    for modality in ("image", "audio", "video"):
        if any(modality in key for key in keys):
            found.add(modality)
    return [value for value, _ in MODALITIES if value in found]


def _capabilities(keys: set[str], variants: list[PriceVariant]) -> list[str]:
    found = []
    if "web_searches_kcount" in keys:
        found.append("web_search")
    if any(key.startswith("cache_") for key in keys):
        found.append("prompt_caching")
    if any(variant.when.get("processing") == "batch" for variant in variants):
        found.append("batch")
    return sorted(found)


def match_text(clause) -> str:
    """The package's model matcher in short: "gpt-4o | gpt-4o-2024-08-06 | o1*"."""
    if isinstance(clause, ClauseEquals):
        return clause.equals
    if isinstance(clause, ClauseStartsWith):
        return f"{clause.starts_with}*"
    if isinstance(clause, ClauseEndsWith):
        return f"*{clause.ends_with}"
    if isinstance(clause, ClauseContains):
        return f"*{clause.contains}*"
    if isinstance(clause, ClauseRegex):
        return f"/{clause.regex}/"
    if isinstance(clause, ClauseOr):
        return " | ".join(match_text(part) for part in clause.or_)
    if isinstance(clause, ClauseAnd):
        return "(" + " & ".join(match_text(part) for part in clause.and_) + ")"
    return repr(clause)
