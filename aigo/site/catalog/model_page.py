"""A model's page: prices and their history, live status and uptime, benchmarks, docs and news."""

from datetime import timedelta
from decimal import Decimal

from django.http import Http404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aigo.i18n import resolve
from aigo.i18n.formatting import day, money, percent
from aigo.site.cache import LIVE_TTL, cached_page
from aigo.site.catalog.prices import price_rows
from aigo.site.charts import Series, line_chart, uptime_bar
from aigo.site.visitor import visitor_of
from catalog import choices, selectors
from catalog.currency import conversions_used, rates_on
from catalog.models import AIModel
from news.selectors import news_list
from status.models import Incident
from status.selectors import status_current, status_history, status_uptime

SUNSET_WARNING_DAYS = 90
RELATED_NEWS = 5


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
            "modalities": [dict(choices.MODALITIES).get(value, value) for value in model.modalities],
            "capabilities": [dict(choices.CAPABILITIES).get(value, value) for value in model.capabilities],
            "prices": price_rows(prices, visitor, rates),
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
