"""Pages that draw on several apps: home and search."""

from django.template.response import TemplateResponse
from django.utils import timezone

from aigo.i18n import resolve
from aigo.web.cache import cached_page
from aigo.web.visitor import visitor_of
from analytics.selectors import models_by_id
from analytics.trending import trending_scores
from catalog import selectors as catalog
from catalog.currency import conversions_used, rates_on
from catalog.views import prices_listed
from news import selectors as news
from status.models import Incident
from status.selectors import status_summary

SEARCH_LIMIT = 20
TRENDING_ON_HOME = 8
FEATURED_ON_HOME = 4


def trending_models(limit: int) -> list:
    """The most viewed models of the last days (time-decayed), highest first."""
    scores, _source = trending_scores()
    top = scores[:limit]
    models = models_by_id(model_id for model_id, _score in top)
    return [models[model_id] for model_id, _score in top if model_id in models]


@cached_page("models", "news", ttl=30)
def home(request, locale: str):
    visitor = visitor_of(request, locale)
    today = timezone.localdate()
    changes = list(catalog.price_changes(as_of=today, limit=8))
    rates = rates_on([visitor.currency, *(row.currency for row in changes)], today)
    incidents = (
        Incident.objects.exclude(status="resolved").select_related("model", "provider").order_by("-started_at")[:5]
    )
    return TemplateResponse(
        request,
        "site/home.html",
        {
            "nav": "home",
            "price_changes": prices_listed(changes, visitor, rates, currency="currency"),
            "conversions": conversions_used(rates, visitor.currency, [row.currency for row in changes], locale),
            "incidents": incidents,
            "status": status_summary(),
            "trending": trending_models(TRENDING_ON_HOME),
            "featured": news.news_list(featured=True).order_by("-published_at")[:FEATURED_ON_HOME],
        },
    )


@cached_page("models", "news")
def search(request, locale: str):
    query = (request.GET.get("q") or "").strip()[:200]
    models, providers, articles = [], [], []
    if query:
        ranked = catalog.search_model_ids(query=query, locale=locale, limit=SEARCH_LIMIT)
        listings = catalog.listing_list().in_bulk([model_id for model_id, _rank in ranked])
        models = [
            {
                "rank": rank,
                "slug": listings[model_id].slug,
                "name": resolve(listings[model_id].name, locale),
                "provider": listings[model_id].provider_name,
            }
            for model_id, rank in ranked
            if model_id in listings
        ]
        providers = [
            {"rank": rank, "slug": provider.slug, "name": provider.name, "models": provider.model_count}
            for provider, rank in catalog.search_providers(query=query, limit=SEARCH_LIMIT)
        ]
        articles = [
            {
                "rank": rank,
                "slug": article.slug,
                "title": resolve(article.title, locale),
                "published_at": article.published_at,
            }
            for article, rank in news.search_news(query=query, locale=locale, limit=SEARCH_LIMIT)
        ]
    found = len(models) + len(providers) + len(articles)
    return TemplateResponse(
        request,
        "site/search.html",
        {
            "query": query,
            "models": models,
            "providers": providers,
            "articles": articles,
            "page_events": [{"type": "search", "properties": {"query": query, "results": found}}] if query else [],
        },
    )
