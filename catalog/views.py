"""Catalog pages of the public site: thin views over catalog.selectors, rendered in the URL's
locale with prices in the visitor's currency."""

from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aigo.charts import Series, line_chart, uptime_bar
from aigo.formatting import day, money, percent
from aigo.i18n import resolve
from aigo.web.cache import cached_page
from aigo.web.visitor import Visitor, visitor_of
from catalog import selectors, vocabulary
from catalog.api.filters import ModelListingFilter
from catalog.currency import amount_in_each, conversions_used, convert, price_shown, rates_on
from catalog.models import AIModel, BenchmarkSuite
from news.selectors import news_list
from status.models import Incident
from status.selectors import status_current, status_history, status_uptime

PAGE_SIZE = 50
LIVE_TTL = 30  # pages that also show live status: no write invalidates that
LIST_PARAMS = ("provider", "modality", "capability")  # repeated in a form, comma-joined for the filter set
SORTS = [
    ("name", _("Name, A to Z")),
    ("-released_at", _("Newest first")),
    ("released_at", _("Oldest first")),
    ("-context_window", _("Largest context first")),
    ("input_price", _("Cheapest input first")),
    ("output_price", _("Cheapest output first")),
]


def prices_listed(rows, visitor: Visitor, rates, currency: str = "price_currency") -> list[tuple]:
    """(row, input price, output price) as a list shows them, each in the visitor's currency."""

    def shown(amount, row):
        if amount is None:
            return None
        return price_shown(amount, getattr(row, currency), visitor.currency, rates, visitor.locale)

    return [(row, shown(row.input_per_million, row), shown(row.output_per_million, row)) for row in rows]


def _filter_data(query) -> dict:
    """The site form's parameters in the API filter set's terms, so both filter alike."""
    data = {name: ",".join(value for value in query.getlist(name) if value) for name in LIST_PARAMS}
    data["min_context"] = query.get("min_context", "")
    data["active"] = {"active": "true", "retired": "false"}.get(query.get("status", ""), "")
    data["ordering"] = query.get("sort", "")
    data["q"] = query.get("q", "")
    return data


PRICE_BOUNDS = {"min_price": "gte", "max_price": "lte"}


def _price_range(query, visitor: Visitor, currencies: list[str], rates) -> tuple[list[Q], dict[str, list[str]]]:
    """Conditions for ?min_price= and ?max_price= (input price per million tokens in the
    visitor's currency), each applied to every listing in that listing's own currency."""
    conditions, errors = [], {}
    for name, lookup in PRICE_BOUNDS.items():
        raw = query.get(name, "").strip()
        if not raw:
            continue
        try:
            bound = Decimal(raw)
        except InvalidOperation:
            bound = None
        if bound is None or not bound.is_finite() or bound < 0:
            errors[name] = [f"{raw!r} is not a price."]
            continue
        condition = Q(pk__in=[])
        for currency, amount in amount_in_each(bound, visitor.currency, currencies, rates).items():
            condition |= Q(price_currency=currency, **{f"input_per_million__{lookup}": amount})
        conditions.append(condition)
    return conditions, errors


@cached_page("models")
def model_list(request, locale: str):
    visitor = visitor_of(request, locale)
    listings = selectors.listing_list()
    filters = ModelListingFilter(data=_filter_data(request.GET), queryset=listings, request=request)
    rows = filters.qs if filters.is_valid() else listings.none()

    currencies = list(selectors.listing_currencies())
    rates = rates_on([visitor.currency, *currencies], timezone.localdate())
    bounds, bound_errors = _price_range(request.GET, visitor, currencies, rates)
    for condition in bounds:
        rows = rows.filter(condition)

    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return TemplateResponse(
        request,
        "site/catalog/model_list.html",
        {
            "nav": "models",
            "page": page,
            "models": prices_listed(page, visitor, rates),
            "conversions": conversions_used(
                rates, visitor.currency, [row.price_currency for row in page if row.price_currency], locale
            ),
            "errors": {**filters.errors, **bound_errors},
            "providers": selectors.provider_choices(),
            "modalities": vocabulary.MODALITIES,
            "capabilities": vocabulary.CAPABILITIES,
            "sorts": SORTS,
            "selected": {name: request.GET.getlist(name) for name in LIST_PARAMS},
            "params": request.GET,
            "page_query": query.urlencode(),
        },
    )


SUNSET_WARNING_DAYS = 90
RELATED_NEWS = 5
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


@cached_page("models", "benchmarks", "news", ttl=LIVE_TTL)
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
            "conversions": conversions_used(rates, visitor.currency, [row.currency for row in prices], locale),
            "price_chart": _price_chart(history, locale),
            "sunset_days": sunset_days,
            "sunset_soon": sunset_days is not None and sunset_days <= SUNSET_WARNING_DAYS,
            "scores": list(model.benchmark_scores.all()[:20]),
            "documentation": selectors.documentation_for(model.documentation.all(), locale=locale),
            "status": status_current(model_id=model.id, slug=model.slug),
            "uptime": status_uptime(model_id=model.id),
            "uptime_bars": _uptime_bars(model, locale),
            "incidents": Incident.objects.filter(model=model).order_by("-started_at")[:5],
            "news": news_list(model=model.slug).order_by("-published_at")[:RELATED_NEWS],
            "page_events": [{"type": "model_view", "properties": {"model": model.slug, "path": request.path}}],
        },
    )


COMPARE_MAX = 6


def _compare_slugs(query) -> list[str]:
    raw = ",".join(query.getlist("models"))
    return list(dict.fromkeys(slug.strip() for slug in raw.split(",") if slug.strip()))[:COMPARE_MAX]


@cached_page("models", "benchmarks")
def compare(request, locale: str):
    """Up to six models side by side; the URL (?models=a,b) is the shareable state."""
    visitor = visitor_of(request, locale)
    slugs = _compare_slugs(request.GET)
    added = (request.GET.get("add") or "").strip()[:200]
    not_found = None
    if added:
        ranked = selectors.search_model_ids(query=added, locale=locale, limit=1)
        found = AIModel.objects.filter(id__in=[model_id for model_id, _rank in ranked]).values_list("slug", flat=True)
        if found:
            slugs = list(dict.fromkeys([*slugs, found[0]]))[:COMPARE_MAX]
            return HttpResponseRedirect(f"?models={','.join(slugs)}")
        not_found = added
    models = {model.slug: model for model in selectors.models_to_compare(slugs=slugs)}
    chosen = [models[slug] for slug in slugs if slug in models]
    today = timezone.localdate()
    prices = {
        model.slug: selectors.prices_in_effect(model.pricing.all(), as_of=today, region=visitor.region)
        for model in chosen
    }
    rates = rates_on([visitor.currency, *(row.currency for rows in prices.values() for row in rows)], today)
    columns = []
    suites: dict[str, str] = {}
    for model in chosen:
        standard = next((row for row in prices[model.slug] if row.tier == "standard"), None)
        latest = {}
        for score in model.benchmark_scores.all():
            latest.setdefault(score.suite.slug, score)
            suites.setdefault(score.suite.slug, score.suite.name)
        columns.append(
            {
                "model": model,
                "name": resolve(model.name, locale) or model.slug,
                "price": _price_rows([standard], visitor, rates)[0] if standard else None,
                "scores": latest,
                "without": ",".join(other.slug for other in chosen if other != model),
            }
        )
    benchmarks = [
        {"name": name, "cells": [column["scores"].get(slug) for column in columns]}
        for slug, name in sorted(suites.items())
    ]
    return TemplateResponse(
        request,
        "site/catalog/compare.html",
        {
            "nav": "compare",
            "columns": columns,
            "benchmarks": benchmarks,
            "slugs": ",".join(column["model"].slug for column in columns),
            "missing": [slug for slug in slugs if slug not in models],
            "not_found": not_found,
            "full": len(columns) >= COMPARE_MAX,
            "compare_max": COMPARE_MAX,
            "page_events": [
                {"type": "benchmark_compare", "properties": {"models": [column["model"].slug for column in columns]}}
            ]
            if len(columns) >= 2
            else [],
            "conversions": conversions_used(
                rates, visitor.currency, [row.currency for rows in prices.values() for row in rows], locale
            ),
        },
    )


@cached_page("benchmarks")
def leaderboards(request, locale: str):
    """Every benchmark suite, grouped by category, with how many models it ranks."""
    category = request.GET.get("category", "")
    suites = selectors.suite_list()
    if category in dict(vocabulary.BENCHMARK_CATEGORIES):
        suites = suites.filter(category=category)
    groups: dict[str, list] = {}
    labels = dict(vocabulary.BENCHMARK_CATEGORIES)
    for suite in suites:
        groups.setdefault(labels.get(suite.category, _("Other")), []).append(suite)
    return TemplateResponse(
        request,
        "site/catalog/leaderboards.html",
        {
            "nav": "leaderboards",
            "groups": sorted(groups.items(), key=lambda item: str(item[0])),
            "categories": vocabulary.BENCHMARK_CATEGORIES,
            "category": category,
        },
    )


@cached_page("models", "benchmarks")
def leaderboard(request, locale: str, slug: str):
    suite = BenchmarkSuite.objects.filter(slug=slug).first()
    if suite is None:
        raise Http404("No such benchmark")
    official_only = request.GET.get("unofficial") != "1"
    return TemplateResponse(
        request,
        "site/catalog/leaderboard.html",
        {
            "nav": "leaderboards",
            "suite": suite,
            "description": resolve(suite.description, locale),
            "scores": selectors.leaderboard(suite=suite, include_unofficial=not official_only)[:200],
            "official_only": official_only,
        },
    )


@cached_page("models")
def provider_list(request, locale: str):
    return TemplateResponse(
        request, "site/catalog/provider_list.html", {"nav": "providers", "providers": selectors.provider_list()}
    )


@cached_page("models", ttl=LIVE_TTL)
def provider_detail(request, locale: str, slug: str):
    visitor = visitor_of(request, locale)
    provider = selectors.provider_list().filter(slug=slug).first()
    if provider is None:
        raise Http404("No such provider")
    listings = list(selectors.listing_list().filter(provider_id=provider.id).order_by("-is_active", "slug"))
    currencies = [row.price_currency for row in listings if row.price_currency]
    rates = rates_on([visitor.currency, *currencies], timezone.localdate())

    return TemplateResponse(
        request,
        "site/catalog/provider_detail.html",
        {
            "nav": "providers",
            "provider": provider,
            "models": prices_listed(listings, visitor, rates),
            "incidents": Incident.objects.filter(provider=provider).exclude(status="resolved").order_by("-started_at"),
            "conversions": conversions_used(rates, visitor.currency, currencies, locale),
        },
    )


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
    slugs = _compare_slugs(request.GET)
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
