"""Models as the sources describe them, for the site's tests: a canonical model, its offers with
today's prices, and what each source says about their facts and prices (source_values)."""

import datetime
import re
from decimal import Decimal

from django.utils import timezone

from tests.catalog.factories import AIModelFactory, CanonicalModelFactory, PricingFactory, SourceValueFactory

STARTED = datetime.date(2025, 1, 1)


def canonical(slug: str, maker, **fields):
    return CanonicalModelFactory(slug=slug, maker=maker, name={"en-US": slug.replace("-", " ").title()}, **fields)


def offer(model, provider, slug: str, price_in="3", price_out="15", currency="USD", **fields):
    """An offer of `model` at `provider` with a standard price in force today (None: no price)."""
    row = AIModelFactory(slug=slug, provider=provider, canonical_model=model, **fields)
    if price_in is not None:
        PricingFactory(
            model=row,
            currency=currency,
            input_per_million=Decimal(price_in),
            output_per_million=Decimal(price_out),
            effective_from=STARTED,
            metadata={"source": "genai-prices"},
        )
    return row


def source_says(target, source: str, field: str, value, key: str | None = None):
    """`source` states `value` for `field` of an offer (`target`)."""
    return SourceValueFactory(
        source=source,
        subject="offer",
        source_key=key or f"{source}/{target.slug}",
        field=field,
        value=value,
        target_id=target.pk,
    )


def source_prices(target, source: str, tier="standard", currency="USD", **prices):
    """`source` states one price period of an offer: its tier, currency and amounts (as text)."""
    key = f"{source}/{target.slug}|{tier}|{currency}"
    for field, value in {"tier": tier, "currency": currency, **prices}.items():
        SourceValueFactory(
            source=source,
            subject="price",
            source_key=key,
            field=field,
            value=value,
            target_id=target.pk,
            checked_at=timezone.now(),
        )


def disclosures(html: str) -> int:
    return html.count('<details class="sources">')


def section(html: str, heading_id: str) -> str:
    """The HTML of the <section> labelled by `heading_id`."""
    start = html.index(f'<section aria-labelledby="{heading_id}">')
    return html[start : html.index("</section>", start)]


def rows_of(html: str) -> list[str]:
    """The body rows of the first table in `html`."""
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    return re.findall(r"<tr[^>]*>.*?</tr>", body, re.S)
