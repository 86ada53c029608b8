"""Catalog pages of the public site: thin views over catalog.selectors, rendered in the URL's
locale with prices in the visitor's currency."""

from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aigo.charts import Series, line_chart, uptime_bar
from aigo.formatting import day, money, percent
from aigo.i18n import resolve
from aigo.web.visitor import Visitor, visitor_of
from catalog import selectors, vocabulary
from catalog.api.filters import ModelListingFilter
from catalog.currency import amount_in_each, price_shown, rates_on
from catalog.models import AIModel
from status.models import Incident
from status.selectors import status_current, status_history, status_uptime

PAGE_SIZE = 50
LIST_PARAMS = ("provider", "modality", "capability")  # repeated in a form, comma-joined for the filter set
SORTS = [
    ("name", _("Name, A to Z")),
    ("-released_at", _("Newest first")),
    ("released_at", _("Oldest first")),
    ("-context_window", _("Largest context first")),
    ("input_price", _("Cheapest input first")),
    ("output_price", _("Cheapest output first")),
]


def _filter_data(query) -> dict:
    """The site form's parameters in the API filter set's terms, so both filter alike."""
    data = {name: ",".join(value for value in query.getlist(name) if value) for name in LIST_PARAMS}
    data["min_context"] = query.get("min_context", "")
    data["active"] = {"active": "true", "retired": "false"}.get(query.get("status", ""), "")
    data["ordering"] = query.get("sort", "")
    data["q"] = query.get("q", "")
    return data


def _price_cap(query, visitor: Visitor, currencies: list[str], rates) -> tuple[Q | None, str | None]:
    raw = query.get("max_price", "").strip()
    if not raw:
        return None, None
    try:
        cap = Decimal(raw)
    except InvalidOperation:
        return None, raw
    if not cap.is_finite() or cap < 0:
        return None, raw
    caps = amount_in_each(cap, visitor.currency, currencies, rates)
    condition = Q(pk__in=[])
    for currency, amount in caps.items():
        condition |= Q(price_currency=currency, input_per_million__lte=amount)
    return condition, None


def model_list(request, locale: str):
    visitor = visitor_of(request, locale)
    listings = selectors.listing_list()
    filters = ModelListingFilter(data=_filter_data(request.GET), queryset=listings, request=request)
    rows = filters.qs if filters.is_valid() else listings.none()

    currencies = list(selectors.listing_currencies())
    rates = rates_on([visitor.currency, *currencies], timezone.localdate())
    cap, bad_cap = _price_cap(request.GET, visitor, currencies, rates)
    if cap is not None:
        rows = rows.filter(cap)

    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))

    def shown(amount, row):
        if amount is None:
            return None
        return price_shown(amount, row.price_currency, visitor.currency, rates, locale)

    models = [(row, shown(row.input_per_million, row), shown(row.output_per_million, row)) for row in page]
    query = request.GET.copy()
    query.pop("page", None)
    return TemplateResponse(
        request,
        "site/catalog/model_list.html",
        {
            "nav": "models",
            "page": page,
            "models": models,
            "errors": {**filters.errors, **({"max_price": [bad_cap]} if bad_cap else {})},
            "providers": selectors.provider_choices(),
            "modalities": vocabulary.MODALITIES,
            "capabilities": vocabulary.CAPABILITIES,
            "sorts": SORTS,
            "selected": {name: request.GET.getlist(name) for name in LIST_PARAMS},
            "params": request.GET,
            "page_query": query.urlencode(),
            "rate": rates.get(visitor.currency),
        },
    )


SUNSET_WARNING_DAYS = 90
PRICE_FIELDS = ("input_per_million", "output_per_million", "image_per_unit", "audio_per_minute", "video_per_minute")


def _price_rows(rows, visitor: Visitor, rates) -> list[dict]:
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


def _price_chart(history, locale: str):
    """Input and output price of the standard global tier over time, in its own currency."""
    rows = [row for row in history if row.tier == "standard" and row.region is None]
    if not rows:
        return None
    currency = rows[0].currency
    rows = [row for row in rows if row.currency == currency]
    today = timezone.localdate()

    # Each period holds until it ends: a point at its start and at its end (or today).
    def points(name):
        found = []
        for row in rows:
            value = getattr(row, name)
            if value is not None:
                found += [(row.effective_from, float(value)), (min(row.effective_to or today, today), float(value))]
        return found

    series = [
        Series(_("Input"), points("input_per_million"), "s1"),
        Series(_("Output"), points("output_per_million"), "s2"),
    ]
    return line_chart(
        series,
        label=_("Price history per million tokens (%(currency)s)") % {"currency": currency},
        y_format=lambda value: money(Decimal(str(round(value, 4))), currency, locale),
        x_format=lambda value: day(value, locale),
        step=True,
    )


def _uptime_bars(model, locale: str) -> list[dict]:
    """Per region: 90 daily availability bars, each with its day and value in words."""
    now = timezone.now()
    history = status_history(model_id=model.id, resolution="1d", start=now - timedelta(days=89), end=now, region=None)
    by_region: dict[str, list] = {}
    for point in history:
        by_region.setdefault(point["region"], []).append(
            (timezone.datetime.fromisoformat(point["bucket"]).date(), point["availability"])
        )

    def describe(when, value):
        shown = _("no data") if value is None else percent(value, locale)
        return f"{day(when, locale)}: {shown}"

    return [
        {
            "region": region,
            "bar": uptime_bar(days, label=_("%(region)s, last 90 days") % {"region": region}, describe=describe),
            "days_with_data": sum(value is not None for _day, value in days),
        }
        for region, days in by_region.items()
    ]


def model_detail(request, locale: str, slug: str):
    visitor = visitor_of(request, locale)
    try:
        model = selectors.model_detail(slug=slug)
    except AIModel.DoesNotExist:
        raise Http404("No such model") from None
    today = timezone.localdate()
    prices = selectors.prices_in_effect(model.pricing.all(), as_of=today, region=visitor.region)
    rates = rates_on([visitor.currency, *(row.currency for row in prices)], today)
    sunset_days = (model.sunset_at - today).days if model.sunset_at else None
    history = sorted(model.pricing.all(), key=lambda row: row.effective_from)
    return TemplateResponse(
        request,
        "site/catalog/model_detail.html",
        {
            "nav": "models",
            "model": model,
            "name": resolve(model.name, locale) or model.slug,
            "description": resolve(model.description, locale),
            "modalities": [dict(vocabulary.MODALITIES).get(value, value) for value in model.modalities],
            "capabilities": [dict(vocabulary.CAPABILITIES).get(value, value) for value in model.capabilities],
            "prices": _price_rows(prices, visitor, rates),
            "rate": rates.get(visitor.currency),
            "price_chart": _price_chart(history, locale),
            "sunset_days": sunset_days,
            "sunset_soon": sunset_days is not None and sunset_days <= SUNSET_WARNING_DAYS,
            "scores": list(model.benchmark_scores.all()[:20]),
            "documentation": selectors.documentation_for(model.documentation.all(), locale=locale),
            "status": status_current(model_id=model.id, slug=model.slug),
            "uptime": status_uptime(model_id=model.id),
            "uptime_bars": _uptime_bars(model, locale),
            "incidents": Incident.objects.filter(model=model).order_by("-started_at")[:5],
        },
    )
