"""A package model's prices as price periods: tiers from variants and time-of-day windows, dated
periods, and price keys mapped to the pricing columns or named with their unit in metadata."""

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from genai_prices.types import (
    ConditionalPrice,
    ModelInfo,
    ModelPrice,
    PriceVariant,
    StartDateConstraint,
    TieredPrices,
    TimeOfDateConstraint,
)

from catalog.sources.identity import slugify

# The package does not date a model's first price. Such periods start here and carry
# "start_known": false, so no one reads 2020-01-01 as a real date.
UNKNOWN_START = date(2020, 1, 1)
STANDARD = "standard"
CURRENCY = "USD"
FOUR_PLACES = Decimal("0.0001")  # the pricing columns are DECIMAL(10,4)

# Price keys with a column of their own; every other key goes to metadata["prices"].
COLUMNS = {"input_mtok": "input_per_million", "output_mtok": "output_per_million"}
# audio_per_minute comes from the first of these the price has, when it divides to 4 places.
AUDIO_HOUR_KEYS = ("audio_hours", "input_audio_hours")
# Metadata names are the package's key with its unit spelled out ("cache_read_mtok" ->
# "cache_read_per_million"), except where the package's word order reads badly.
UNIT_NAMES = {
    "mtok": "per_million",
    "kcount": "per_thousand",
    "hours": "per_hour",
    "kpages": "per_thousand_pages",
    "mchars": "per_million_characters",
    "gpixels": "per_billion_pixels",
}
KEY_NAMES = {
    "output_reasoning_mtok": "reasoning_output_per_million",
    "output_citation_mtok": "citation_output_per_million",
    "web_searches_kcount": "web_search_per_thousand",
    "storage_searches_kcount": "storage_search_per_thousand",
}
# Route variants that name a region (values must be in settings.AIGO_REGIONS).
ROUTE_REGIONS = {"mistral/eu": "eu-west"}


@dataclass(frozen=True)
class DesiredPrice:
    tier: str
    region: str | None
    effective_from: date
    effective_to: date | None
    input_per_million: Decimal | None
    output_per_million: Decimal | None
    audio_per_minute: Decimal | None
    volume_discounts: list[dict]
    # metadata beside the columns: "prices", "exact_prices", "time_of_day", "variant", "free"
    details: dict
    currency: str = CURRENCY

    @property
    def start_known(self) -> bool:
        return self.effective_from != UNKNOWN_START

    @property
    def exact_count(self) -> int:
        return len(self.details.get("exact_prices", {}))


def _entries(model: ModelInfo) -> list[ConditionalPrice]:
    return model.prices if isinstance(model.prices, list) else [ConditionalPrice(prices=model.prices)]


def _prices(model_price: ModelPrice) -> dict:
    return {key: value for key, value in model_price.__dict__.items() if not key.startswith("_") and value is not None}


def price_keys(model: ModelInfo) -> set[str]:
    prices = [entry.prices for entry in _entries(model)] + [variant.prices for variant in model.price_variants or []]
    return {key for price in prices for key in _prices(price)}


def _active_on(constraint, day: date) -> bool:
    # Time-of-day constraints are not a date: they never decide which dated period applies.
    if constraint is None:
        return True
    return isinstance(constraint, StartDateConstraint) and constraint.start_date <= day


def model_prices(model: ModelInfo) -> list[DesiredPrice]:
    """Every price period of a model: the standard tier, its variants and time-of-day tiers."""
    entries = _entries(model)
    dated = [entry for entry in entries if not isinstance(entry.constraint, TimeOfDateConstraint)]
    windows = [entry for entry in entries if isinstance(entry.constraint, TimeOfDateConstraint)]
    first = dated[0].constraint
    origin = first.start_date if isinstance(first, StartDateConstraint) else UNKNOWN_START
    starts = {origin} | {e.constraint.start_date for e in dated if isinstance(e.constraint, StartDateConstraint)}

    def base_at(day: date) -> dict:
        # As the package resolves it: the last entry in force that day, else the first one.
        chosen = dated[0]
        for entry in dated:
            if _active_on(entry.constraint, day):
                chosen = entry
        return _prices(chosen.prices)

    standard = _periods([(day, base_at(day)) for day in sorted(starts)])
    rows = _time_of_day_rows(standard, windows) if windows else [_row(STANDARD, None, *p, {}) for p in standard]

    groups: dict[tuple, list[PriceVariant]] = {}
    for variant in model.price_variants or []:
        groups.setdefault(tuple(sorted(variant.when.items())), []).append(variant)
    used = {(row.tier, row.region) for row in rows}
    for when, variants in groups.items():
        tier, region = variant_tier(dict(when))
        if (tier, region) in used:
            tier, region = slugify("-".join(f"{key}-{value}" for key, value in when)), None
        used.add((tier, region))
        days = sorted(
            starts | {v.constraint.start_date for v in variants if isinstance(v.constraint, StartDateConstraint)}
        )
        points = [(day, _variant_at(variants, day, base_at(day))) for day in days]
        # service_tier=default, search_type=web...: no price of their own, so not a tier.
        if all(prices is None or prices == base_at(day) for day, prices in points):
            continue
        rows += [_row(tier, region, *period, {"variant": dict(when)}) for period in _periods(points)]
    return [row for row in rows if row.effective_to is None or row.effective_to >= row.effective_from]


def variant_tier(when: dict[str, str]) -> tuple[str, str | None]:
    """(tier, region) of a price variant: batch, priority, flex, fast, search-fast; eu route -> region."""
    parts, region = [], None
    for key, value in sorted(when.items()):
        if key == "route" and ROUTE_REGIONS.get(value) in settings.AIGO_REGIONS:
            region = ROUTE_REGIONS[value]
        elif key in ("processing", "service_tier", "speed"):
            parts.append(value)
        elif key == "search_type":
            parts.append(f"search-{value}")
        else:
            parts.append(f"{key}-{value}")
    return slugify("-".join(parts)) or STANDARD, region


def _variant_at(variants: list[PriceVariant], day: date, base: dict) -> dict | None:
    """The variant's prices on a day (None before it starts): each key from the first variant
    in force that has it, else from the base price, as the package resolves them."""
    overrides: dict = {}
    active = False
    for variant in variants:
        if _active_on(variant.constraint, day):
            active = True
            for key, value in _prices(variant.prices).items():
                overrides.setdefault(key, value)
    return {**base, **overrides} if active else None


def _periods(points: list[tuple[date, dict | None]]) -> list[tuple[date, date | None, dict]]:
    """(start, prices) change points -> periods with an inclusive end, equal neighbours merged."""
    periods: list[tuple[date, date | None, dict]] = []
    for day, prices in points:
        if periods and periods[-1][1] is None:
            if periods[-1][2] == prices:
                continue
            periods[-1] = (periods[-1][0], day - timedelta(days=1), periods[-1][2])
        if prices is not None:
            periods.append((day, None, prices))
    return periods


def _minutes(value: time) -> int:
    return value.hour * 60 + value.minute


def _window(start: time, end: time) -> dict:
    def utc(value: time) -> str:
        # The package reads naive times as UTC; aware ones are converted so the label holds.
        if value.tzinfo is not None:
            value = datetime.combine(date(2000, 1, 1), value).astimezone(UTC).time()
        return value.strftime("%H:%M")

    return {"start": utc(start), "end": utc(end), "tz": "UTC"}


def _headline(prices: dict) -> Decimal:
    value = prices.get("input_mtok", prices.get("output_mtok", Decimal(0)))
    return value.base if isinstance(value, TieredPrices) else value


def _time_of_day_rows(standard: list, windows: list[ConditionalPrice]) -> list[DesiredPrice]:
    """Prices for hours of the day (DeepSeek). The price that holds most of the day is the
    standard tier; the other is "off-peak" when cheaper, "peak" when dearer. Windows start with
    the latest dated base price, since the package does not date them."""
    latest_start, _, latest = standard[-1]
    if len(windows) == 1:
        (entry,) = windows
        start, end = entry.constraint.start_time, entry.constraint.end_time
        if (_minutes(end) - _minutes(start)) % (24 * 60) > 12 * 60:
            tier = "off-peak" if _headline(latest) < _headline(_prices(entry.prices)) else "peak"
            rest = {"time_of_day": [_window(end, start)]}
            return [
                _row(STANDARD, None, latest_start, None, _prices(entry.prices), {"time_of_day": [_window(start, end)]}),
                *[_row(tier, None, *period, rest) for period in standard],
            ]
    rows = [_row(STANDARD, None, *period, {}) for period in standard]
    groups: list[tuple[dict, list[dict]]] = []
    for entry in windows:
        prices, window = _prices(entry.prices), _window(entry.constraint.start_time, entry.constraint.end_time)
        same = next((group for group in groups if group[0] == prices), None)
        if same:
            same[1].append(window)
        else:
            groups.append((prices, [window]))
    used = {STANDARD}
    for prices, group_windows in groups:
        tier = "off-peak" if _headline(prices) < _headline(latest) else "peak"
        if tier in used:
            tier = f"{tier}-{group_windows[0]['start'].replace(':', '')}"
        used.add(tier)
        rows.append(_row(tier, None, latest_start, None, prices, {"time_of_day": group_windows}))
    return rows


def price_key_name(key: str) -> str:
    """The metadata name of a price key: "cache_read_mtok" -> "cache_read_per_million"."""
    if key in COLUMNS:
        return COLUMNS[key]
    if key in KEY_NAMES:
        return KEY_NAMES[key]
    stem, _, unit = key.rpartition("_")
    return f"{stem}_{UNIT_NAMES[unit]}" if stem and unit in UNIT_NAMES else key


def decimal_text(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _row(tier: str, region: str | None, start: date, end: date | None, prices: dict, extra: dict) -> DesiredPrice:
    if not prices:
        # The package lists no price at all for free offers (":free", included in a
        # subscription): its calculator charges $0, so the reference shows 0, marked free.
        prices, extra = {"input_mtok": Decimal(0), "output_mtok": Decimal(0)}, {**extra, "free": True}
    rest = dict(prices)
    columns: dict[str, Decimal] = {}
    exact: dict[str, str] = {}
    discounts: dict[int, dict[str, str]] = {}

    def flat(value: Decimal | TieredPrices, name: str) -> Decimal:
        # Token tiers go to volume_discounts; the price below the first tier is the base.
        if isinstance(value, TieredPrices):
            for tier_price in value.tiers:
                discounts.setdefault(tier_price.start, {})[name] = decimal_text(tier_price.price)
            return value.base
        return value

    for key, column in COLUMNS.items():
        if key in rest:
            value = flat(rest.pop(key), column)
            columns[column] = value.quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)
            if columns[column] != value:
                exact[column] = decimal_text(value)
    audio_key = next((key for key in AUDIO_HOUR_KEYS if isinstance(rest.get(key), Decimal)), None)
    if audio_key:
        per_minute = rest[audio_key] / 60
        if per_minute == per_minute.quantize(FOUR_PLACES):
            columns["audio_per_minute"] = per_minute.quantize(FOUR_PLACES)
            del rest[audio_key]
    details = dict(extra)
    other = {price_key_name(key): decimal_text(flat(value, price_key_name(key))) for key, value in rest.items()}
    if other:
        details["prices"] = other
    if exact:
        details["exact_prices"] = exact
    return DesiredPrice(
        tier=tier,
        region=region,
        effective_from=start,
        effective_to=end,
        input_per_million=columns.get("input_per_million"),
        output_per_million=columns.get("output_per_million"),
        audio_per_minute=columns.get("audio_per_minute"),
        volume_discounts=[{"above_input_tokens": above, **discounts[above]} for above in sorted(discounts)],
        details=details,
    )


# Sellers that publish prices in another currency, which the package converts to USD at a fixed
# rate (its price comments say which and at what rate): provider -> (currency, units per USD,
# the models converted, None for all). Their prices are stored as published, converted back.
PUBLISHED_CURRENCIES: dict[str, tuple[str, Decimal, frozenset[str] | None]] = {
    # "Prices sourced from Zhipu AI open platform pricing (CNY ...), converted to USD at 1 USD = 7.25 CNY"
    "zhipuai": ("CNY", Decimal("7.25"), None),
    # "M2.1, M2.1-highspeed, and M2 are legacy models; prices inferred from CNY pricing at ... 7.00"
    "minimax": ("CNY", Decimal("7.00"), frozenset({"MiniMax-M2", "MiniMax-M2.1", "MiniMax-M2.1-highspeed"})),
}
# The package rounds its USD figures to three places, so the way back is exact to about three
# significant digits: 0.069 USD x 7.25 = 0.50025, published as 0.5 CNY.
PUBLISHED_DIGITS = 3


def published_prices(provider_id: str, model_id: str, prices: list[DesiredPrice]) -> list[DesiredPrice]:
    """A model's prices in the currency its seller publishes them in (PUBLISHED_CURRENCIES)."""
    found = PUBLISHED_CURRENCIES.get(provider_id)
    if found is None or (found[2] is not None and model_id not in found[2]):
        return prices
    currency, rate, _models = found

    def back(value: Decimal) -> Decimal:
        amount = value * rate
        return round(amount, PUBLISHED_DIGITS - 1 - amount.adjusted()) if amount else amount

    def texts(mapping: dict) -> dict:
        return {key: decimal_text(back(Decimal(value))) for key, value in mapping.items()}

    converted = []
    for price in prices:
        details = {**price.details, "converted": {"from": CURRENCY, "rate": decimal_text(rate), "by": "genai-prices"}}
        for key in ("prices", "exact_prices"):
            if key in price.details:
                details[key] = texts(price.details[key])
        converted.append(
            replace(
                price,
                currency=currency,
                input_per_million=_back_column(price.input_per_million, back),
                output_per_million=_back_column(price.output_per_million, back),
                audio_per_minute=_back_column(price.audio_per_minute, back),
                volume_discounts=[
                    {
                        key: value if key == "above_input_tokens" else decimal_text(back(Decimal(value)))
                        for key, value in tier.items()
                    }
                    for tier in price.volume_discounts
                ],
                details=details,
            )
        )
    return converted


def _back_column(value: Decimal | None, back) -> Decimal | None:
    return None if value is None else back(value).quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)
