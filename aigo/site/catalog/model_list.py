"""The model catalog page: one row per model as its maker releases it (canonical models), or with
"show every offer" one row per provider's offer; filters and sort kept in the URL, a price range
in the visitor's currency."""

from decimal import Decimal, InvalidOperation

from django.core.paginator import Paginator
from django.db.models import Q
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aigo.site.cache import cached_page
from aigo.site.catalog.catalog_rows import catalog_rows, models_sorted
from aigo.site.catalog.prices import prices_listed
from aigo.site.fragments import lazy_context
from aigo.site.visitor import Visitor, visitor_of
from catalog import choices, selectors
from catalog.api.filters import ModelListingFilter
from catalog.currency import amount_in_each, conversions_used, rates_on

PAGE_SIZE = 50
LIST_PARAMS = ("provider", "modality", "capability")  # repeated in a form, comma-joined for the filter set
OFFER_SORTS = [
    ("name", _("Name, A to Z")),
    ("-released_at", _("Newest first")),
    ("released_at", _("Oldest first")),
    ("-context_window", _("Largest context first")),
    ("input_price", _("Cheapest input first")),
    ("output_price", _("Cheapest output first")),
]
MODEL_SORTS = [
    ("-released_at", _("Newest first")),
    ("popular", _("Most popular")),
    ("name", _("Name, A to Z")),
]


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


@cached_page("models", "benchmarks")
def model_list(request, locale: str):
    """The filter form and the results are cached apart (aigo.site.fragments): the listing is
    queried only for a part that is not cached."""
    visitor = visitor_of(request, locale)
    every_offer = request.GET.get("offers") == "1"
    today = timezone.localdate()

    def results() -> dict:
        data = _filter_data(request.GET)
        if not every_offer:
            data["ordering"] = ""  # the models' sorts are not the offers'
        listings = selectors.listing_list()
        filters = ModelListingFilter(data=data, queryset=listings, request=request)
        rows = filters.qs if filters.is_valid() else listings.none()
        currencies = list(selectors.listing_currencies())
        rates = rates_on([visitor.currency, *currencies], today)
        bounds, bound_errors = _price_range(request.GET, visitor, currencies, rates)
        for condition in bounds:
            rows = rows.filter(condition)
        if every_offer:
            page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
            shown = {
                "models": prices_listed(page, visitor, rates),
                "conversions": conversions_used(
                    rates, visitor.currency, [row.price_currency for row in page if row.price_currency], locale
                ),
            }
        else:
            sort = request.GET.get("sort", "")
            page = Paginator(models_sorted(rows, sort), PAGE_SIZE).get_page(request.GET.get("page"))
            shown = catalog_rows(page, visitor, today, rates)
        return {"attributions": None, **shown, "page": page, "errors": {**filters.errors, **bound_errors}}

    query = request.GET.copy()
    query.pop("page", None)
    return TemplateResponse(
        request,
        "site/catalog/model_list.html",
        {
            **lazy_context(results, ("models", "conversions", "attributions", "page", "errors")),
            **lazy_context(lambda: {"providers": list(selectors.provider_choices())}, ("providers",)),
            "nav": "models",
            "query_key": repr(sorted(request.GET.lists())),
            "today": today,
            "every_offer": every_offer,
            "modalities": choices.MODALITIES,
            "capabilities": choices.CAPABILITIES,
            "sorts": OFFER_SORTS if every_offer else MODEL_SORTS,
            "selected": {name: request.GET.getlist(name) for name in LIST_PARAMS},
            "params": request.GET,
            "page_query": query.urlencode(),
            "toggle_query": _toggled(request.GET, every_offer),
        },
    )


def _toggled(query, every_offer: bool) -> str:
    """The same filters in the other view (the sort and page are the view's own)."""
    other = query.copy()
    for name in ("offers", "page", "sort"):
        other.pop(name, None)
    if not every_offer:
        other["offers"] = "1"
    return other.urlencode()
