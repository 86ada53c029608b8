"""The one shape every source is mapped to, whatever its own format.

A source module (`catalog/sources/<name>.py`) is a pure function `load() -> SourceData`: it reads
the source's data as installed (a package or a snapshot in the project: no network, no database)
and says what the source states about providers, their models (offers), prices, benchmarks and
scores, each value in AI-GO's units and field names. The service in `catalog/sources/apply/`
records every value as an observation of that source, maps the source's ids to AI-GO's rows and
resolves the values the sources give for the same field (docs/data.md).

Units: money is a Decimal per million tokens (or per image, per minute) in `currency`, as the
source publishes it; token counts are integers; dates are `date`; scores are on the benchmark's
own scale with `normalized` on 0-100.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

# Fields a source may state about an offer (a provider's model), with their kind: the kind sets
# how two sources' values are compared (tolerance) and how a value is stored.
OFFER_FIELDS: dict[str, str] = {
    "name": "text",
    "description": "text",
    "released_at": "date",  # when this provider first offered it (for the maker: the release)
    "last_updated": "date",
    "training_cutoff": "date",
    "deprecated": "bool",
    "deprecated_at": "date",  # the day the deprecation was announced
    "sunset_at": "date",  # the day it stops working (retirement)
    "successor": "text",  # the source's model id of what replaces it, at the same provider
    "lifecycle_url": "text",  # the maker's page that announces the deprecation or retirement
    "open_weights": "bool",
    "license": "text",
    "parameter_count": "int",
    "context_window": "int",
    "max_output_tokens": "int",
    "modalities": "list",  # of catalog.choices.MODALITIES, input or output
    "capabilities": "list",  # of catalog.choices.CAPABILITIES
    "throughput": "number",  # tokens per second, as the source measured it
    "latency": "number",  # seconds to the first token, as the source measured it
}

# Price components, per million tokens unless the name says otherwise.
PRICE_FIELDS: dict[str, str] = {
    "input_per_million": "money",
    "output_per_million": "money",
    "cache_read_per_million": "money",
    "cache_write_per_million": "money",
    "reasoning_per_million": "money",
    "input_audio_per_million": "money",
    "output_audio_per_million": "money",
    "image_per_unit": "money",
    "audio_per_minute": "money",
    "video_per_minute": "money",
}


@dataclass(frozen=True)
class SourceInfo:
    name: str  # the registry key and the `source` of every observation: "models.dev"
    title: str  # as shown to readers
    version: str  # the package version, or the data snapshot's commit
    snapshot_date: date | None  # the day the data was taken, when known
    licence: str  # "MIT", "CC BY 4.0"
    licence_url: str
    url: str  # where the source lives
    attribution: str = ""  # the credit the licence asks for where the data is shown ("" when none)


@dataclass(frozen=True)
class ProviderRecord:
    key: str  # the source's id of the provider
    name: str
    # The same provider in the catalog's vocabulary (genai-prices' ids: "aws", "x-ai", "together"),
    # by the source module's explicit alias table; None: a provider that vocabulary lacks.
    catalog_key: str | None = None
    website_url: str | None = None
    documentation_url: str | None = None
    pricing_url: str | None = None


@dataclass(frozen=True)
class OfferRecord:
    """A model as one provider offers it."""

    provider: str  # a ProviderRecord.key of the same source
    key: str  # the source's id of the model at that provider (its API id where the source has it)
    maker: str | None  # catalog.sources.identity maker ("anthropic"); None: unknown
    base: str  # the model's id with dates and offer qualifiers removed (identity.canonical_base)
    fields: Mapping[str, Any] = field(default_factory=dict)  # of OFFER_FIELDS
    # False: the record describes the offer where another source lists it, and makes no row alone.
    adds_row: bool = True


@dataclass(frozen=True)
class PriceRecord:
    provider: str
    model: str  # an OfferRecord.key at that provider
    prices: Mapping[str, Decimal]  # of PRICE_FIELDS, in `currency`
    currency: str = "USD"  # as published by the seller, never a source's own conversion
    tier: str = "standard"
    region: str | None = None  # an AIGO_REGIONS code; None: everywhere
    effective_from: date | None = None  # None: the source does not say when the price started
    effective_to: date | None = None  # the last day it applies; None: still in force
    source_url: str | None = None  # the page the price was read from, when the source names it
    details: Mapping[str, Any] = field(default_factory=dict)  # time-of-day window, volume tiers


@dataclass(frozen=True)
class BenchmarkRecord:
    key: str
    name: str
    categories: tuple[str, ...] = ()
    modality: str | None = None
    max_score: Decimal | None = None
    description: str | None = None
    paper_url: str | None = None


@dataclass(frozen=True)
class ScoreRecord:
    """A model's result on a benchmark, as published."""

    maker: str | None
    base: str  # the scored model, as OfferRecord.base
    model: str  # the source's id of the scored model
    benchmark: str  # a BenchmarkRecord.key of the same source
    score: Decimal  # on the benchmark's scale
    normalized: Decimal | None  # 0-100
    method: str | None = None  # "0-shot CoT", "pass@1"
    source_url: str | None = None  # where the score was published
    self_reported: bool = True  # published by the model's maker
    verified: bool = False  # reproduced independently
    evaluated_at: date | None = None


@dataclass
class SourceData:
    info: SourceInfo
    providers: list[ProviderRecord] = field(default_factory=list)
    offers: list[OfferRecord] = field(default_factory=list)
    prices: list[PriceRecord] = field(default_factory=list)
    benchmarks: list[BenchmarkRecord] = field(default_factory=list)
    scores: list[ScoreRecord] = field(default_factory=list)
