"""Prices as the site's pages show them: in the visitor's currency, with the original beside."""

from datetime import datetime
from decimal import Decimal

from aigo.site.catalog.provenance import price_disclosures
from aigo.site.catalog.time_of_day import hours_label, price_now
from aigo.site.visitor import Visitor
from catalog.currency import price_shown


def prices_listed(rows, visitor: Visitor, rates, currency: str = "price_currency") -> list[tuple]:
    """(row, input price, output price) as a list shows them, each in the visitor's currency."""

    def shown(amount, row):
        if amount is None:
            return None
        return price_shown(amount, getattr(row, currency), visitor.currency, rates, visitor.locale)

    return [(row, shown(row.input_per_million, row), shown(row.output_per_million, row)) for row in rows]


PRICE_FIELDS = ("input_per_million", "output_per_million", "image_per_unit", "audio_per_minute", "video_per_minute")


def price_rows(rows, visitor: Visitor, rates) -> list[dict]:
    """A price table: each row's prices (and volume tiers) shown in the visitor's currency."""

    def shown(amount, currency):
        if amount in (None, ""):
            return None
        return price_shown(Decimal(amount), currency, visitor.currency, rates, visitor.locale)

    table = []
    for row in rows:
        table.append(
            {
                "row": row,
                "prices": {name: shown(getattr(row, name), row.currency) for name in PRICE_FIELDS},
                "tiers": [
                    {
                        "above": tier.get("above_input_tokens"),
                        "input": shown(tier.get("input_per_million"), row.currency),
                        "output": shown(tier.get("output_per_million"), row.currency),
                    }
                    for tier in row.volume_discounts or []
                    if isinstance(tier, dict)
                ],
            }
        )
    return table


def price_table(rows, visitor: Visitor, rates, provenance: dict, now: datetime) -> list[dict]:
    """price_rows, each with its sources (catalog.provenance's per price row), its hours when it
    holds only at certain hours, and whether it is the price now (time_of_day)."""
    table = price_rows(rows, visitor, rates)
    current = price_now(rows, now)
    for entry in table:
        row = entry["row"]
        entry["hours"] = hours_label(row)
        entry["now"] = current is not None and row.pk == current.pk
        entry["sources"] = price_disclosures(row, provenance.get(row.pk, {}), visitor.locale)
        converted = row.metadata.get("converted")
        entry["converted"] = converted if isinstance(converted, dict) else None
    return table
