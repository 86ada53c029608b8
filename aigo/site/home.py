"""The home page: trending models, featured news, the status summary with active incidents,
and recent price changes."""

from django.template.response import TemplateResponse
from django.utils import timezone

from aigo.site.cache import LIVE_TTL, cached_page
from aigo.site.catalog.prices import prices_listed
from aigo.site.fragments import lazy_context
from aigo.site.visitor import visitor_of
from analytics.selectors import models_by_id
from analytics.trending import trending_scores
from catalog import selectors as catalog
from catalog.currency import conversions_used, rates_on
from news import selectors as news
from status.models import Incident
from status.selectors import status_summary

TRENDING_ON_HOME = 8
FEATURED_ON_HOME = 4


def trending_models(limit: int) -> list:
    """The most viewed models of the last days (time-decayed), highest first."""
    scores, _source = trending_scores()
    top = scores[:limit]
    models = models_by_id(model_id for model_id, _score in top)
    return [models[model_id] for model_id, _score in top if model_id in models]


@cached_page("models", "news", ttl=LIVE_TTL)
def home(request, locale: str):
    """Its parts are cached apart (aigo.site.fragments), each computed only when not cached."""
    visitor = visitor_of(request, locale)
    today = timezone.localdate()

    def prices() -> dict:
        changes = list(catalog.price_changes(as_of=today, limit=8))
        rates = rates_on([visitor.currency, *(row.currency for row in changes)], today)
        return {
            "price_changes": prices_listed(changes, visitor, rates, currency="currency"),
            "conversions": conversions_used(rates, visitor.currency, [row.currency for row in changes], locale),
        }

    def live() -> dict:
        incidents = Incident.objects.exclude(status="resolved").select_related("model", "provider")
        return {"incidents": incidents.order_by("-started_at", "-id")[:5], "status": status_summary()}

    return TemplateResponse(
        request,
        "site/home.html",
        {
            **lazy_context(prices, ("price_changes", "conversions")),
            **lazy_context(live, ("incidents", "status")),
            **lazy_context(lambda: {"trending": trending_models(TRENDING_ON_HOME)}, ("trending",)),
            **lazy_context(
                lambda: {"featured": news.news_list(featured=True).order_by("-published_at", "-id")[:FEATURED_ON_HOME]},
                ("featured",),
            ),
            "nav": "home",
            "today": today,
        },
    )
