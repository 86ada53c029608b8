"""Provider pages: every provider, and one with its models and open incidents."""

from django.http import Http404
from django.template.response import TemplateResponse
from django.utils import timezone

from aigo.site.cache import LIVE_TTL, cached_page
from aigo.site.catalog.prices import prices_listed
from aigo.site.visitor import visitor_of
from catalog import selectors
from catalog.currency import conversions_used, rates_on
from status.models import Incident


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
            "incidents": Incident.objects.filter(provider=provider)
            .exclude(status="resolved")
            .order_by("-started_at", "-id"),
            "conversions": conversions_used(rates, visitor.currency, currencies, locale),
        },
    )
