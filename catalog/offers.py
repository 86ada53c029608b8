"""Comparing the offers of one model (every provider's `models` row of a canonical model): the
price that applies at any hour, and which offer is cheapest. The site's pages and the API rank
offers by the same rule."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from catalog import selectors
from catalog.currency import Rate, convert, rates_on
from catalog.models import AIModel, Pricing

# A typical request reads three tokens for each one it writes: offers are ranked by the price of
# a million tokens in that mix, so neither a cheap input nor a cheap output alone wins.
MIX_INPUT, MIX_OUTPUT = Decimal(3), Decimal(1)


def blended(row: Pricing, currency: str, rates: dict[str, Rate]) -> Decimal | None:
    """The row's price of a million tokens at the 3:1 mix in `currency`; None without an input
    price or a rate."""
    if row.input_per_million is None:
        return None
    # Without an output price (embeddings) every token is an input token.
    output = row.output_per_million if row.output_per_million is not None else row.input_per_million
    mixed = (row.input_per_million * MIX_INPUT + output * MIX_OUTPUT) / (MIX_INPUT + MIX_OUTPUT)
    conversion = convert(mixed, row.currency, currency, rates, places=8)
    return conversion.amount if conversion else None


def cheapest(rows: Iterable[Pricing | None], currency: str, rates: dict[str, Rate]) -> Pricing | None:
    """The row with the lowest blended price in `currency`. Free rows are left out (a free tier
    or a subscription's allowance is not a price per token), and so are those it cannot price."""
    priced = [(amount, row) for row in rows if row is not None and (amount := blended(row, currency, rates))]
    return min(priced, key=lambda pair: pair[0])[1] if priced else None


def standard_price(rows: Iterable[Pricing]) -> Pricing | None:
    """Of price rows in force, the standard global one; when some hold only at certain hours
    (price.metadata["time_of_day"]), the one that names no hours, which a cached answer can give
    whatever the clock says."""
    standard = [row for row in rows if row.tier == "standard" and row.region is None]
    return min(standard, key=lambda row: (bool(row.metadata.get("time_of_day")), row.currency), default=None)


USD = "USD"  # the currency offers are compared in


@dataclass(frozen=True)
class PriceInUSD:
    row: Pricing  # the offer's price as published (row.model is the offer)
    input_per_million: Decimal | None
    output_per_million: Decimal | None
    rate_date: date | None  # the day of the rate used; None when nothing was converted
    currency: str = USD


def in_usd(row: Pricing, rates: dict[str, Rate]) -> PriceInUSD | None:
    """The row's input and output prices in USD; None when a rate is missing."""
    converted = {}
    rate_date = None
    for name in ("input_per_million", "output_per_million"):
        amount = getattr(row, name)
        if amount is None:
            converted[name] = None
            continue
        conversion = convert(amount, row.currency, USD, rates)
        if conversion is None:
            return None
        converted[name], rate_date = conversion.amount, conversion.rate_date
    return PriceInUSD(row, rate_date=rate_date, **converted)


def best_offer(rows: Iterable[Pricing | None], rates: dict[str, Rate]) -> PriceInUSD | None:
    """The cheapest of these offers' prices (cheapest()), in USD; a free one only when no offer
    has a price per token."""
    rows = [row for row in rows if row is not None]
    best = cheapest(rows, USD, rates) or next(iter(rows), None)
    return in_usd(best, rates) if best is not None else None


def best_prices(*, canonical_ids: Iterable, as_of: date) -> dict[Any, PriceInUSD]:
    """Per canonical model: its offers' best standard price on `as_of` in USD, with the offer it
    comes from (row.model). Two queries for any number of models."""
    by_offer = defaultdict(list)
    for row in selectors.standard_prices_of(canonical_ids=canonical_ids, as_of=as_of):
        by_offer[(row.canonical_id, row.model_id)].append(row)
    current = defaultdict(list)
    for (canonical_id, _offer), rows in by_offer.items():
        current[canonical_id].append(standard_price(rows))
    rates = rates_on([USD, *(row.currency for rows in current.values() for row in rows)], as_of)
    return {canonical_id: best for canonical_id, rows in current.items() if (best := best_offer(rows, rates))}


def offer_regions(offer: AIModel) -> list[str]:
    """Where an offer is served: its active endpoints' regions, else its provider's."""
    endpoints = [endpoint.region for endpoint in offer.endpoints.all() if endpoint.is_active]
    return endpoints or list(offer.provider.regions)
