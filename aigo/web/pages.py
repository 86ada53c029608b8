"""Pages that draw on several apps: home and search."""

from django.template.response import TemplateResponse
from django.utils import timezone

from aigo.i18n import resolve
from aigo.web.visitor import visitor_of
from catalog import selectors as catalog
from catalog.currency import price_shown, rates_on
from status.models import Incident
from status.selectors import status_summary

SEARCH_LIMIT = 20


def _prices(rows, visitor):
    """(row, shown input price, shown output price) with one rate lookup for the page."""
    today = timezone.localdate()
    rates = rates_on([visitor.currency, *(row.currency for row in rows)], today)

    def shown(amount, row):
        return None if amount is None else price_shown(amount, row.currency, visitor.currency, rates, visitor.locale)

    return [(row, shown(row.input_per_million, row), shown(row.output_per_million, row)) for row in rows], rates


def home(request, locale: str):
    visitor = visitor_of(request, locale)
    changes, rates = _prices(list(catalog.price_changes(as_of=timezone.localdate(), limit=8)), visitor)
    incidents = (
        Incident.objects.exclude(status="resolved").select_related("model", "provider").order_by("-started_at")[:5]
    )
    return TemplateResponse(
        request,
        "site/home.html",
        {
            "nav": "home",
            "price_changes": changes,
            "rate": rates.get(visitor.currency),
            "incidents": incidents,
            "status": status_summary(),
        },
    )


def search(request, locale: str):
    query = (request.GET.get("q") or "").strip()[:200]
    models, providers = [], []
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
    return TemplateResponse(
        request,
        "site/search.html",
        {"query": query, "models": models, "providers": providers},
    )
