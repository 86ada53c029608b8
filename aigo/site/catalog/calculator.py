"""The price calculator: what a month's usage costs on each chosen model."""

from decimal import Decimal, InvalidOperation

from django.template.response import TemplateResponse
from django.utils import timezone

from aigo.i18n import resolve
from aigo.site.cache import cached_page
from aigo.site.catalog.compare import compare_slugs
from aigo.site.visitor import visitor_of
from catalog import selectors
from catalog.currency import conversions_used, convert, price_shown, rates_on

CALCULATOR_FIELDS = ("input_tokens", "output_tokens", "images", "audio_minutes")
CALCULATOR_LIMIT = 10**12  # more than anyone sends in a month; keeps the arithmetic sane


def _usage(query) -> tuple[dict[str, Decimal], list[str]]:
    usage, errors = {}, []
    for name in CALCULATOR_FIELDS:
        raw = (query.get(name) or "0").strip().replace(",", "").replace("_", "")
        try:
            value = Decimal(raw)
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite() or not 0 <= value <= CALCULATOR_LIMIT:
            errors.append(name)
            value = Decimal(0)
        usage[name] = value
    return usage, errors


def _cost(price, usage: dict[str, Decimal]) -> Decimal | None:
    """The usage's cost at one price row, in its currency; None if a used item has no price."""
    parts = [
        (usage["input_tokens"] / 1_000_000, price.input_per_million),
        (usage["output_tokens"] / 1_000_000, price.output_per_million),
        (usage["images"], price.image_per_unit),
        (usage["audio_minutes"], price.audio_per_minute),
    ]
    if any(amount and unit_price is None for amount, unit_price in parts):
        return None
    return sum((amount * unit_price for amount, unit_price in parts if amount), Decimal(0))


@cached_page("models")
def calculator(request, locale: str):
    """What a month's usage costs on each chosen model, in the visitor's currency."""
    visitor = visitor_of(request, locale)
    slugs = compare_slugs(request.GET)
    usage, errors = _usage(request.GET)
    models = {model.slug: model for model in selectors.models_to_compare(slugs=slugs)}
    chosen = [models[slug] for slug in slugs if slug in models]
    today = timezone.localdate()
    standard = {}
    for model in chosen:
        prices = selectors.prices_in_effect(model.pricing.all(), as_of=today, region=visitor.region)
        standard[model.slug] = next((row for row in prices if row.tier == "standard"), None)
    rates = rates_on([visitor.currency, *(row.currency for row in standard.values() if row)], today)
    results = []
    for model in chosen:
        price = standard[model.slug]
        cost = _cost(price, usage) if price else None
        results.append(
            {
                "model": model,
                "name": resolve(model.name, locale) or model.slug,
                "cost": None if cost is None else price_shown(cost, price.currency, visitor.currency, rates, locale),
                "sort": None if cost is None else convert(cost, price.currency, visitor.currency, rates),
            }
        )
    results.sort(key=lambda result: (result["sort"] is None, result["sort"].amount if result["sort"] else 0))
    return TemplateResponse(
        request,
        "site/catalog/calculator.html",
        {
            "nav": "calculator",
            "results": results,
            "usage": {name: request.GET.get(name, "") for name in CALCULATOR_FIELDS},
            "errors": errors,
            "slugs": ",".join(model.slug for model in chosen),
            "missing": [slug for slug in slugs if slug not in models],
            "conversions": conversions_used(
                rates, visitor.currency, [row.currency for row in standard.values() if row], locale
            ),
        },
    )
