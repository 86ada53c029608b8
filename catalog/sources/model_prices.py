"""The model-prices package mapped to the common shape: the labs, their first-party models and
each model's dated price timeline, read from the snapshot the installed release bundles.

The snapshot already has corrections, modes, batch discounts and long-context tiers applied;
time-of-day schedules are rules beside the timelines, applied here as their own tiers.
Left out: subscription plans (a monthly price, not a model's), stand-in estimates (not a price),
name aliases, and models.dev's uncorrected values kept beside a correction ("recorded").
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from importlib.metadata import version
from importlib.resources import files
from typing import Any

from catalog.sources.history import deprecation_day
from catalog.sources.identity import model_identity
from catalog.sources.records import OfferRecord, PriceRecord, ProviderRecord, SourceData, SourceInfo

NAME = "model-prices"
# The snapshot schema this mapping reads: a release with another one fails here, not silently.
SCHEMA = 1
# Each lab of the snapshot: (its name, as the package's README writes it; the same provider in the
# catalog's vocabulary, genai-prices' ids, or None where that vocabulary lacks it). A lab missing
# here fails the tests, so a release that adds one is mapped on purpose.
LABS: dict[str, tuple[str, str | None]] = {
    "ai21": ("AI21 Labs", None),
    "alibaba": ("Alibaba", None),
    "amazon-bedrock": ("Amazon Bedrock", "aws"),
    "anthropic": ("Anthropic", "anthropic"),
    "arcee": ("Arcee", "arcee"),
    "bailing": ("Bailing", None),
    "byteplus": ("BytePlus", None),
    "cognition": ("Cognition", None),
    "cohere": ("Cohere", "cohere"),
    "cursor": ("Cursor", "cursor"),
    "deepseek": ("DeepSeek", "deepseek"),
    "google": ("Google", "google"),
    "inception": ("Inception", None),
    "longcat": ("LongCat", None),
    "meta": ("Meta", "meta"),
    "minimax": ("MiniMax", "minimax"),
    "mistral": ("Mistral", "mistral"),
    "moonshotai": ("Moonshot AI", "moonshotai"),
    # Amazon's own Nova developer API: not Bedrock, which is "amazon-bedrock" here and "aws" there.
    "nova": ("Amazon Nova", None),
    "openai": ("OpenAI", "openai"),
    "perplexity": ("Perplexity", "perplexity"),
    "poolside": ("Poolside", None),
    "sakana": ("Sakana AI", None),
    "sensenova": ("SenseNova", None),
    "stepfun-ai": ("StepFun", None),
    "tencent-tokenhub": ("Tencent TokenHub", None),
    "thinkingmachines": ("Thinking Machines", None),
    "upstage": ("Upstage", None),
    "volcengine": ("Volcengine", None),
    "xai": ("xAI", "x-ai"),
    "xiaomi": ("Xiaomi", None),
    # The global Z.ai API, as the package tracks it; genai-prices' "zhipuai" is the mainland one.
    "zai": ("Z.ai", "zai"),
}
# The snapshot's rate names and the price components they are.
RATES = {
    "input": "input_per_million",
    "output": "output_per_million",
    "cache_read": "cache_read_per_million",
    "cache_write": "cache_write_per_million",
}
STANDARD = "standard"
LONG_CONTEXT = "long-context"
# Schedules carry no start basis of their own; the package dates batch discounts the same way.
SCHEDULE_BASIS = "documented"

# A tier before it has a name: (mode, time-of-day period, long-context size), "" where none.
TierKey = tuple[str, str, str]


@dataclass(frozen=True)
class _Rate:
    prices: dict[str, Decimal]
    details: dict[str, Any]  # what the price is: compared when neighbouring entries are merged
    source_url: str | None
    provenance: dict[str, Any] = field(default_factory=dict)  # how it was found: not compared


def _money(value: float) -> Decimal:
    return Decimal(str(value))


def _scaled(value: Decimal, factor: Decimal) -> Decimal:
    # Without the product's trailing zeros ("0.220"): they would claim a precision no one stated.
    return Decimal(format((value * factor).normalize(), "f"))


def _day(stamp: str) -> date:
    return datetime.fromisoformat(stamp).date()


def tier_name(key: TierKey) -> str:
    """("batch", "peak", "long-context") -> "batch-peak-long-context"; ("standard", "", "") -> "standard"."""
    return "-".join(part for part in key if part and part != STANDARD) or STANDARD


def _entry_rates(rates: dict[str, Any], mode: str) -> dict[TierKey, _Rate]:
    """One timeline entry's rates: the mode's own and one per long-context tier."""
    base = {column: _money(rates[key]) for key, column in RATES.items() if rates.get(key) is not None}
    details: dict[str, Any] = {}
    if rates.get("cache_write_1h_multiple") is not None:
        # A one-hour cache write, priced as a multiple of input: the catalog has no field for it.
        details["cache_write_1h_multiple"] = _money(rates["cache_write_1h_multiple"])
    provenance = {"start_basis": rates["valid_from_basis"]}
    if "model" in rates:
        # An alias without a price of its own quotes the model it points to.
        provenance["priced_as"] = rates["model"]
    found = {(mode, "", ""): _Rate(base, details, rates["source"], provenance)}
    for index, tier in enumerate(sorted(rates.get("tiers", []), key=lambda tier: tier["above"])):
        # A tier states the rates that change above its size; the rest stay the base's, as the
        # package prices a request.
        stated = {column: _money(tier[key]) for key, column in RATES.items() if tier.get(key) is not None}
        size = LONG_CONTEXT if index == 0 else f"{LONG_CONTEXT}-{tier['above']}"
        tier_details = {**details, "above_input_tokens": tier["above"]}
        found[(mode, "", size)] = _Rate({**base, **stated}, tier_details, rates["source"], provenance)
    return found


def _points(timeline: list[dict[str, Any]], mode: str) -> list[tuple[date, dict[TierKey, _Rate]]]:
    """A mode's timeline as (day it starts, rates then) points; no rates: not offered in the mode."""
    points: list[tuple[date, dict[TierKey, _Rate]]] = []
    for entry in timeline:
        rates = entry["rates"]
        if rates is None:
            if entry["start"] is not None:
                points.append((_day(entry["start"]), {}))
            continue
        # The package applies a model's first price to every earlier time as well (usage logged
        # before models.dev listed it), so an entry can start before the price it quotes: a
        # batch discount older than the model. A price starts no earlier than its own date.
        starts = [rates["valid_from"], *([entry["start"]] if entry["start"] else [])]
        points.append((max(map(_day, starts)), _entry_rates(rates, mode)))
    # Neither can an entry start after its successor: such an entry never applies on a day of its own.
    for index in range(len(points) - 2, -1, -1):
        if points[index][0] > points[index + 1][0]:
            points[index] = (points[index + 1][0], points[index][1])
    return points


def _schedule_details(schedule: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """(tier period, details) of a schedule's window, named as the genai-prices mapping names them."""
    windows = schedule.get("peak_hours_utc") or schedule["off_peak_hours_utc"]
    details: dict[str, Any] = {"time_of_day": [{"start": start, "end": end, "tz": "UTC"} for start, end in windows]}
    if schedule.get("weekdays_only"):
        details["weekdays_only"] = True
    if schedule.get("holidays"):
        details["except_holidays"] = schedule["holidays"]  # a calendar in the snapshot: "cn"
    return ("peak" if "peak_hours_utc" in schedule else "off-peak"), details


def _with_schedules(
    points: list[tuple[date, dict[TierKey, _Rate]]], model: str, schedules: list[dict[str, Any]]
) -> list[tuple[date, dict[TierKey, _Rate]]]:
    """Points with each time-of-day schedule's prices added as tiers while the schedule is in force:
    the recorded rates times its multiplier (peak hours raise them, off-peak windows lower them)."""
    own = [item for item in schedules if "peak_hours_utc" in item or model in item["off_peak_multiplier"]]
    if not own or not points:
        return points
    bounds = {_day(item["valid_from"]) for item in own} | {
        _day(item["valid_until"]) for item in own if "valid_until" in item
    }
    result = []
    for day in sorted({point[0] for point in points} | bounds):
        in_force = [point for point in points if point[0] <= day]
        if not in_force:
            continue  # before the model's first price
        since, recorded = in_force[-1]
        rates = dict(recorded)
        for item in own:
            start = _day(item["valid_from"])
            if not (start <= day and ("valid_until" not in item or day < _day(item["valid_until"]))):
                continue
            factor = _money(item.get("peak_multiplier") or item["off_peak_multiplier"][model])
            period, details = _schedule_details(item)
            for (mode, _, size), rate in recorded.items():
                # Dated by whichever started later, the price or the schedule, as the package dates batch prices.
                later = start >= since
                rates[(mode, period, size)] = _Rate(
                    {column: _scaled(value, factor) for column, value in rate.prices.items()},
                    {**rate.details, **details, "multiplier": factor},
                    item["source"] if later else rate.source_url,
                    {**rate.provenance, "start_basis": SCHEDULE_BASIS} if later else rate.provenance,
                )
        result.append((day, rates))
    return result


def _periods(
    points: list[tuple[date, dict[TierKey, _Rate]]],
) -> Iterable[tuple[TierKey, date, date | None, _Rate]]:
    """Each tier's points as periods with an inclusive end. Neighbours with the same prices are one
    period dated by the first: models.dev recording a corrected price later is not a price change.
    Dates are days: of entries starting the same day, the last one (in force that evening) stands."""
    for key in sorted({key for _, rates in points for key in rates}):
        current: tuple[date, _Rate] | None = None
        for day, rates in points:
            rate = rates.get(key)
            if current and rate and (current[1].prices, current[1].details) == (rate.prices, rate.details):
                if day == current[0]:
                    current = (day, rate)  # the same price, found the same day: the later finding stands
                continue
            if current and day > current[0]:
                yield key, current[0], day - timedelta(days=1), current[1]
            current = (day, rate) if rate else None
        if current:
            yield key, current[0], None, current[1]


def _model_prices(
    lab: str, model: str, timelines: dict[str, list[dict[str, Any]]], schedules: list[dict[str, Any]]
) -> list[PriceRecord]:
    records = []
    for mode in sorted(timelines):
        points = _with_schedules(_points(timelines[mode], mode), model, schedules)
        for key, start, end, rate in _periods(points):
            records.append(
                PriceRecord(
                    provider=lab,
                    model=model,
                    prices=rate.prices,
                    currency="USD",  # the package prices every model in US dollars
                    tier=tier_name(key),
                    effective_from=start,
                    effective_to=end,
                    source_url=rate.source_url,
                    details={**rate.details, **rate.provenance},
                )
            )
    return sorted(records, key=lambda record: (record.tier, record.effective_from))


def snapshot() -> dict[str, Any]:
    """The snapshot this release bundles. Read directly: the package's own loader serves whatever
    copy refresh() last downloaded in the process, and a source reads installed data only."""
    data = json.loads(files("model_prices").joinpath("snapshot.json").read_bytes())
    if data.get("schema") != SCHEMA:
        raise ValueError(f"model-prices snapshot schema {data.get('schema')!r}, this mapping reads {SCHEMA}")
    return data


def source_info(data: dict[str, Any]) -> SourceInfo:
    return SourceInfo(
        name=NAME,
        title="model-prices",
        version=version("model-prices"),
        # When the snapshot's content last changed: its prices read from providers' pages run
        # days past data_as_of(), the date of the models.dev commit it was built from.
        snapshot_date=_day(data["updated_at"]),
        licence="MIT",
        licence_url="https://github.com/wakamex/model-prices/blob/main/LICENSE",
        url="https://model-prices.com",
        attribution="Prices from model-prices (MIT, © wakamex), derived from models.dev (MIT, © models.dev)",
    )


def info() -> SourceInfo:
    return source_info(snapshot())


def load() -> SourceData:
    data = snapshot()
    result = SourceData(info=source_info(data))
    schedules = data["schedules"].get("schedule", [])
    for lab in sorted(data["prices"]):
        name, catalog_key = LABS.get(lab, (lab, None))
        result.providers.append(ProviderRecord(key=lab, name=name, catalog_key=catalog_key))
        status = data["status"].get(lab, {})
        lab_schedules = [item for item in schedules if item["provider"] == lab]
        for model in sorted(data["prices"][lab]):
            maker, base = model_identity(catalog_key or lab, model)
            # "removed" (models.dev no longer lists it) is not a deprecation, so it is not stated.
            fields = {"deprecated": True} if status.get(model) == "deprecated" else {}
            # The snapshot dates no deprecation; models.dev's releases before it date some (catalog/sources/history).
            if fields and (day := deprecation_day(NAME, lab, model)):
                fields["deprecated_at"] = day
            result.offers.append(OfferRecord(provider=lab, key=model, maker=maker, base=base, fields=fields))
            result.prices += _model_prices(lab, model, data["prices"][lab][model], lab_schedules)
    return result
