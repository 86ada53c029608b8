"""LLM Stats (llm-stats.com) mapped to the common shape: the snapshot in data/llm-stats/ (NOTE.md).

The source has two kinds of company: organizations, who make models (model.json, benchmarks.json),
and providers, who sell them (provider.json, models.json with prices and measurements). Both become
ProviderRecords; a maker's own models are offers of the maker, carrying the release facts.
"""

import json
import logging
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from catalog.choices import CAPABILITIES, MODALITIES
from catalog.sources.identity import VENDOR_ALIASES, model_identity
from catalog.sources.records import (
    BenchmarkRecord,
    OfferRecord,
    PriceRecord,
    ProviderRecord,
    ScoreRecord,
    SourceData,
    SourceInfo,
)

logger = logging.getLogger(__name__)

DATA = Path(__file__).parent / "data" / "llm-stats"

INFO = SourceInfo(
    name="llm-stats",
    title="LLM Stats",
    version="872b75f",
    snapshot_date=date(2025, 10, 24),
    licence="CC BY 4.0",
    licence_url="https://creativecommons.org/licenses/by/4.0/",
    url="https://llm-stats.com",
    attribution=(
        "LLM Stats (llm-stats.com), CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/); "
        "changed by AI-GO: units and ids normalized, merged with other sources."
    ),
)

# The source's provider and organization ids in the catalog's vocabulary (genai-prices' provider
# ids). Explicit, so a company new to a later snapshot maps to nothing until someone decides.
CATALOG_KEYS: dict[str, str | None] = {
    # Sellers (providers/).
    "anthropic": "anthropic",
    "azure": "azure",
    "bedrock": "aws",
    "cerebras": "cerebras",
    "cohere": "cohere",
    "deepinfra": None,
    "deepseek": "deepseek",
    "fireworks": "fireworks",
    "google": "google",
    "groq": "groq",
    "hyperbolic": None,  # genai-prices only has Hyperbolic behind Hugging Face's router
    "lambda": None,
    "mistral": "mistral",
    "novita": "novita",
    "openai": "openai",
    "replicate": None,
    "sambanova": None,  # likewise only "huggingface_sambanova"
    "together": "together",
    "xai": "x-ai",
    "zeroeval": None,
    # Makers (organizations/) that are not also sellers above.
    "meta": "meta",
    "moonshotai": "moonshotai",
    # Amazon and Microsoft release their models on their own clouds, which identity.HOME_VENDORS
    # already names their home providers (aws -> amazon, azure -> microsoft); with these keys
    # model_identity() names Amazon as the maker of "nova-pro", which it cannot from "amazon".
    "amazon": "aws",
    "microsoft": "azure",
    # The organization's site is z.ai and "zai-org" is Z.ai's Hugging Face org: genai-prices' "zai"
    # (api.z.ai), not "zhipuai" (the open.bigmodel.cn platform); both stand for maker "zhipu".
    "zai-org": "zai",
    # No seller of their own in genai-prices (Alibaba's DashScope is not there).
    "qwen": None,
    "ibm": None,
    "nvidia": None,
    "ai21": None,
}
UNKNOWN = "unknown"  # the source's placeholder for a missing maker or licence: not a value

CAPABILITY_FLAGS = {
    "feature_function_calling": "function_calling",
    "feature_structured_output": "structured_outputs",
    "feature_web_search": "web_search",
    "feature_batch_inference": "batch",
    "feature_finetuning": "fine_tuning",
    "feature_code_execution": "code_execution",
}
PRICE_COLUMNS = {
    "input_cents_per_million_tokens": "input_per_million",
    "output_cents_per_million_tokens": "output_per_million",
}


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _number(value: float | int | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _date(text: str | None, what: str, skipped: Counter[str]) -> date | None:
    """A date or timestamp of the source; a partial one ("2024-09") is left out rather than guessed."""
    if not text:
        return None
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        skipped[f"bad date: {what}"] += 1
        return None


def _in_order(choices: list[tuple[str, Any]], found: set[str]) -> list[str]:
    return [value for value, _ in choices if value in found]


def maker_and_base(org: str, model_id: str) -> tuple[str | None, str]:
    """Identity's maker first, so a model groups with the same model named by other sources (a
    Nemotron fine-tune of Llama is Meta's there too); else the organization, which the source states."""
    maker, base = model_identity(CATALOG_KEYS.get(org) or org, model_id)
    if maker is None and org != UNKNOWN:
        maker = VENDOR_ALIASES.get(org, org)
    return maker, base


def _models(root: Path) -> Iterator[tuple[str, dict[str, Any], list[dict[str, Any]]]]:
    for path in sorted(root.glob("organizations/*/models/*/model.json")):
        scores = path.with_name("benchmarks.json")
        yield path.parts[-4], _json(path), _json(scores) if scores.exists() else []


def _providers(root: Path) -> list[ProviderRecord]:
    companies: dict[str, dict[str, Any]] = {}
    for path in sorted(root.glob("organizations/*/organization.json")):
        org = _json(path)
        if org["organization_id"] == UNKNOWN:
            continue
        companies[org["organization_id"]] = org
    # A company that both makes and sells models is one provider: its seller record has the API's site.
    for path in sorted(root.glob("providers/*/provider.json")):
        seller = _json(path)
        companies[seller["provider_id"]] = seller
    return [
        ProviderRecord(
            key=key, name=record["name"], catalog_key=CATALOG_KEYS.get(key), website_url=record["website"] or None
        )
        for key, record in sorted(companies.items())
    ]


def _release_fields(
    model: dict[str, Any], licences: dict[str, dict[str, Any]], skipped: Counter[str]
) -> dict[str, Any]:
    fields: dict[str, Any] = {"name": model["name"], "description": model["description"] or None}
    fields["released_at"] = _date(model["release_date"], "released_at", skipped)
    fields["training_cutoff"] = _date(model["knowledge_cutoff"], "training_cutoff", skipped)
    fields["parameter_count"] = model["param_count"]
    licence = licences.get(model["license_id"])
    if licence and model["license_id"] != UNKNOWN:
        fields["license"] = licence["name"].strip()
    # The licence files have no open-weights flag (allow_commercial is another question): any named
    # licence but "proprietary" is a weights licence, and linked weights are open whatever the id
    # says (Gemma 3n is "proprietary" with its weights on Hugging Face).
    if model["source_weights_link"] or (licence and model["license_id"] not in ("proprietary", UNKNOWN)):
        fields["open_weights"] = True
    elif model["license_id"] == "proprietary":
        fields["open_weights"] = False
    # "multimodal" does not say which modalities; only a text-only model says something.
    if model["multimodal"] is False:
        fields["modalities"] = ["text"]
    return {key: value for key, value in fields.items() if value is not None}


def _offer_fields(offer: dict[str, Any], skipped: Counter[str]) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "name": offer["model_name"],
        "context_window": offer["max_input_tokens"],
        "max_output_tokens": offer["max_output_tokens"],
        "throughput": _number(offer["throughput"]),
        "latency": _number(offer["latency"]),
        "capabilities": _in_order(CAPABILITIES, {cap for flag, cap in CAPABILITY_FLAGS.items() if offer.get(flag)}),
        "modalities": _in_order(
            MODALITIES,
            {m for m, _ in MODALITIES if offer.get(f"input_modality_{m}") or offer.get(f"output_modality_{m}")},
        ),
    }
    # A missing date says nothing about deprecation: only a date is a statement.
    if deprecated_at := _date(offer["deprecated_at"], "deprecated_at", skipped):
        fields.update(deprecated=True, deprecated_at=deprecated_at)
    return {key: value for key, value in fields.items() if value not in (None, [])}


def _score(entry: dict[str, Any], maker: str, base: str, skipped: Counter[str]) -> ScoreRecord:
    normalized = _number(entry["normalized_score"])
    return ScoreRecord(
        maker=maker,
        base=base,
        model=entry["model_id"],
        benchmark=entry["benchmark_id"],
        score=Decimal(str(entry["score"])),
        normalized=None if normalized is None else normalized * 100,
        method=entry["analysis_method"] or None,
        source_url=entry["self_reported_source_link"] or None,
        self_reported=bool(entry["is_self_reported"]),
        verified=bool(entry["verified_by_llmstats"]),
        evaluated_at=_date(entry["verification_date"] or entry["updated_at"], "evaluated_at", skipped),
    )


def read(root: Path = DATA) -> tuple[SourceData, Counter[str]]:
    """The snapshot mapped, and what was left out of it by reason (bad dates, makerless models)."""
    skipped: Counter[str] = Counter()
    licences = {record["license_id"]: record for record in map(_json, sorted(root.glob("licenses/*.json")))}
    providers = _providers(root)
    known = {provider.key for provider in providers}
    offers: dict[tuple[str, str], OfferRecord] = {}
    identities: dict[str, tuple[str | None, str]] = {}
    scores: list[tuple[int, ScoreRecord]] = []

    for org, model, entries in _models(root):
        maker, base = identities[model["model_id"]] = maker_and_base(org, model["model_id"])
        if org in known:
            offers[(org, model["model_id"])] = OfferRecord(
                org, model["model_id"], maker, base, _release_fields(model, licences, skipped)
            )
        else:
            skipped["models of no named organization"] += 1
        if maker is None:
            skipped["scores of models with no maker"] += len(entries)
            continue
        for entry in entries:
            scores.append((entry["model_benchmark_id"], _score(entry, maker, base, skipped)))

    prices: list[PriceRecord] = []
    for path in sorted(root.glob("providers/*/models.json")):
        for offer in _json(path):
            provider, key = offer["provider_id"], offer["provider_model_id_used"] or offer["model_id"]
            maker, base = identities.get(offer["model_id"]) or maker_and_base(
                offer["organization_id"], offer["model_id"]
            )
            fields = _offer_fields(offer, skipped)
            if mine := offers.get((provider, key)):
                # A maker selling its own model under the model's id: one offer. Where both records speak,
                # the model's own wins: the API rows copy flags (OpenAI's gpt-oss rows claim image input).
                maker, base, fields = mine.maker, mine.base, {**fields, **mine.fields}
            offers[(provider, key)] = OfferRecord(provider, key, maker, base, fields)
            amounts = {
                name: Decimal(str(offer[column])) / 100
                for column, name in PRICE_COLUMNS.items()
                if offer[column] is not None
            }
            if amounts:
                prices.append(PriceRecord(provider=provider, model=key, prices=amounts, currency="USD"))

    benchmarks = [
        BenchmarkRecord(
            key=record["benchmark_id"],
            name=record["name"],
            categories=tuple(record["categories"] or ()),
            modality=record["modality"] or None,
            max_score=_number(record["max_score"]),
            description=record["description"] or None,
            paper_url=record["paper_link"] or None,
        )
        for record in map(_json, sorted(root.glob("benchmarks/*.json")))
    ]
    data = SourceData(
        info=INFO,
        providers=providers,
        offers=[offers[key] for key in sorted(offers)],
        prices=sorted(prices, key=lambda price: (price.provider, price.model)),
        benchmarks=sorted(benchmarks, key=lambda benchmark: benchmark.key),
        scores=[score for _, score in sorted(scores, key=lambda pair: (pair[1].model, pair[1].benchmark, pair[0]))],
    )
    return data, skipped


def info() -> SourceInfo:
    return INFO


def load() -> SourceData:
    data, skipped = read()
    for reason, count in sorted(skipped.items()):
        logger.info("llm-stats: left out %d (%s)", count, reason)
    return data
