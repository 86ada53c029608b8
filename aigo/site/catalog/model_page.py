"""A model's pages: one provider's offer (prices and their history, live status and uptime, docs and
news) and the canonical model (what its maker released, every offer side by side), both with the
facts, lifecycle dates and benchmark scores, each value with its sources."""

import functools
from datetime import timedelta
from decimal import Decimal

from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aigo.api.cache import REDIS_TTL
from aigo.i18n import resolve
from aigo.i18n.formatting import day, money, percent
from aigo.site.badges import badge_snippets
from aigo.site.cache import LIVE_TTL, cached_page
from aigo.site.catalog.model_parts import model_parts
from aigo.site.charts import Series, line_chart, uptime_bar
from aigo.site.fragments import lazy_context, value_cached
from aigo.site.visitor import visitor_of
from catalog import selectors
from catalog.lifecycle import notice_url
from catalog.models import AIModel, CanonicalModel
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

    # Each region's bars share their 90 days: each day is put in words once, not once per region.
    no_data, in_words = gettext("no data"), functools.cache(lambda when: day(when, locale))

    def describe(when, value):
        shown = no_data if value is None else percent(value, locale)
        return f"{in_words(when)}: {shown}"

    return [
        {
            "region": region,
            "bar": uptime_bar(days, label=_("%(region)s, last 90 days") % {"region": region}, describe=describe),
            "days_with_data": sum(value is not None for _day, value in days),
        }
        for region, days in by_region.items()
    ]


def _lead(canonical: CanonicalModel | None, locale: str, model: AIModel | None = None) -> list[dict]:
    """The first lines of the facts: the offer's provider and the model it is an offer of; the maker."""
    lines = []
    if model is not None:
        lines.append({"label": _("Provider"), "text": model.provider.name})
        if canonical is not None:
            url = reverse("site:canonical_model", args=[locale, canonical.slug])
            lines.append({"label": _("Offer of"), "text": canonical.display_name(locale), "url": url})
    if canonical is not None and canonical.maker:
        lines.append({"label": _("Maker"), "text": canonical.maker.name})
    return lines


MODEL_PARTS = ("facts", "lifecycle", "successor", "offers", "cheapest", "conversions", "scores", "attributions")


@cached_page("models", "benchmarks", "news", ttl=LIVE_TTL)
def model_detail(request, locale: str, slug: str):
    """One provider's offer of a model: the model's facts and every offer beside this one's own
    prices, history, live status, docs and news. The page's parts are cached apart
    (aigo.site.fragments): what they show is computed only for the parts not cached."""
    visitor = visitor_of(request, locale)
    try:
        model = value_cached(("models",), f"model-head:{slug}", REDIS_TTL, lambda: selectors.model_head(slug=slug))
    except AIModel.DoesNotExist:
        raise Http404("No such model") from None
    now = timezone.now()
    today = timezone.localdate(now)
    canonical = model.canonical_model
    sunset = min((day for day in (model.sunset_at, getattr(canonical, "sunset_at", None)) if day), default=None)
    sunset_days = (sunset - today).days if sunset else None
    detail = functools.cache(lambda: selectors.model_detail(slug=slug))

    def parts() -> dict:
        offers = list(selectors.offers_of(canonical_id=canonical.pk)) if canonical else [detail()]
        found = model_parts(canonical, offers, visitor, now)
        found["own_prices"] = next(row["prices"] for row in found["offers"] if row["offer"].pk == model.pk)
        return found

    def catalog() -> dict:
        history = sorted(detail().pricing.all(), key=lambda row: row.effective_from)
        return {
            "price_chart": _price_chart(history, locale),
            "documentation": selectors.documentation_for(detail().documentation.all(), locale=locale),
            "endpoints": list(detail().endpoints.all()),
        }

    def live() -> dict:
        return {
            "status": status_current(model_id=model.id, slug=model.slug),
            "uptime": status_uptime(model_id=model.id),
            "uptime_bars": _uptime_bars(model, locale),
            "incidents": Incident.objects.filter(model=model).order_by("-started_at", "-id")[:5],
        }

    name = resolve(model.name, locale) or model.slug
    return TemplateResponse(
        request,
        "site/catalog/model_detail.html",
        {
            **lazy_context(parts, (*MODEL_PARTS, "own_prices")),
            **lazy_context(catalog, ("price_chart", "documentation", "endpoints")),
            **lazy_context(live, ("status", "uptime", "uptime_bars", "incidents")),
            **lazy_context(
                lambda: {"news": list(news_list(model=slug).order_by("-published_at", "-id")[:RELATED_NEWS])}, ("news",)
            ),
            "nav": "models",
            "model": model,
            "canonical": canonical,
            "today": today,
            "name": name,
            "lead": _lead(canonical, locale, model),
            "description": resolve(model.description, locale) or resolve(canonical and canonical.description, locale),
            "sunset": sunset,
            "sunset_days": sunset_days,
            "sunset_soon": sunset_days is not None and sunset_days <= SUNSET_WARNING_DAYS,
            # Read for every view of a model retiring soon, and a slow query to plan: kept beside the parts.
            **lazy_context(
                lambda: {
                    "sunset_notice": value_cached(
                        ("models", "sources"), f"sunset-notice:{model.pk}", REDIS_TTL, lambda: notice_url(model)
                    )
                },
                ("sunset_notice",),
            ),
            "page_events": [{"type": "model_view", "properties": {"model": model.slug, "path": request.path}}],
            **lazy_context(lambda: {"badges": badge_snippets(request, model, name=name, locale=locale)}, ("badges",)),
        },
    )


def _canonical_head(slug: str) -> tuple[CanonicalModel, bool]:
    canonical = selectors.canonical_detail(slug=slug)
    return canonical, canonical.offers.exists()


@cached_page("models", "benchmarks", ttl=LIVE_TTL)
def canonical_detail(request, locale: str, slug: str):
    """A model as its maker releases it: its facts and lifecycle, and every provider's offer. Its
    parts are cached apart, as the offer page's are."""
    visitor = visitor_of(request, locale)
    try:
        canonical, offered = value_cached(
            ("models",), f"canonical-head:{slug}", REDIS_TTL, lambda: _canonical_head(slug)
        )
    except CanonicalModel.DoesNotExist:
        raise Http404("No such model") from None
    if not offered:
        raise Http404("No provider offers this model")
    offers = functools.cache(lambda: list(selectors.offers_of(canonical_id=canonical.pk)))
    return TemplateResponse(
        request,
        "site/catalog/canonical_detail.html",
        {
            **lazy_context(lambda: model_parts(canonical, offers(), visitor), MODEL_PARTS),
            "nav": "models",
            "canonical": canonical,
            "today": timezone.localdate(),
            "name": canonical.display_name(locale),
            "description": resolve(canonical.description, locale),
            "lead": _lead(canonical, locale),
        },
    )
