"""The search page: models, providers and news matching a query, each list ranked."""

from django.template.response import TemplateResponse

from aigo.i18n import resolve
from aigo.site.cache import cached_page
from catalog import selectors as catalog
from news import selectors as news

SEARCH_LIMIT = 20


@cached_page("models", "news")
def search(request, locale: str):
    query = (request.GET.get("q") or "").strip()[:200]
    models, providers, articles = [], [], []
    if query:
        ranked = catalog.models_search(query=query, locale=locale, limit=SEARCH_LIMIT)
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
            for provider, rank in catalog.providers_search(query=query, limit=SEARCH_LIMIT)
        ]
        articles = [
            {
                "rank": rank,
                "slug": article.slug,
                "title": resolve(article.title, locale),
                "published_at": article.published_at,
            }
            for article, rank in news.news_search(query=query, locale=locale, limit=SEARCH_LIMIT)
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
