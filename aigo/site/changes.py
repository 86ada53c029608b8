"""What changed: the page (last 7 or 30 days, filtered) and the Atom feed per locale, both over
catalog_changes, in words (change_text)."""

from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext

from aigo.i18n import translated
from aigo.site.change_text import GROUPS, ChangeText, changes_described, group_labels
from aigo.site.visitor import visitor_of
from catalog.changes.filters import SLUG, ChangeFilters, FilterError, filters_parse
from catalog.currency import rates_on
from catalog.models import ChangeEvent

PERIODS = (7, 30)
PAGE_SIZE = 200
FEED_SIZE = 50


def _recent(filters: ChangeFilters, days: int | None, limit: int) -> list[ChangeEvent]:
    events = filters.apply(ChangeEvent.objects.order_by("-id"))
    if days:
        events = events.filter(occurred_at__gte=timezone.now() - timedelta(days=days))
    return list(events[:limit])


def _described(events: list[ChangeEvent], locale: str, currency: str | None) -> list[ChangeText]:
    currencies = {event.payload["currency"] for event in events if "currency" in event.payload}
    currency = currency or "USD"
    rates = rates_on([currency, *currencies], timezone.localdate())
    return changes_described(events, locale, currency, rates)


def _page_filters(request) -> tuple[ChangeFilters, str, int]:
    what = request.GET.get("what", "")
    days = int(request.GET["days"]) if request.GET.get("days") in {str(days) for days in PERIODS} else PERIODS[0]
    model, provider = request.GET.get("model", ""), request.GET.get("provider", "")
    filters = ChangeFilters(
        types=GROUPS.get(what, ()),
        models=(model,) if SLUG.match(model) else (),
        providers=(provider,) if SLUG.match(provider) else (),
    )
    return filters, what if what in GROUPS else "", days


def changes_page(request, locale: str):
    visitor = visitor_of(request, locale)
    filters, what, days = _page_filters(request)
    events = _recent(filters, days, PAGE_SIZE)
    return TemplateResponse(
        request,
        "site/changes.html",
        {
            "nav": "changes",
            "changes": _described(events, locale, visitor.currency),
            "groups": group_labels(),
            "what": what,
            "days": days,
            "periods": PERIODS,
            "model": filters.models[0] if filters.models else "",
            "provider": filters.providers[0] if filters.providers else "",
            "full": len(events) == PAGE_SIZE,
            "feed_url": _feed_url(filters, locale),
        },
    )


def _feed_url(filters: ChangeFilters, locale: str) -> str:
    """The Atom feed of the same filters (the period aside: a feed has none)."""
    query = urlencode({name: ",".join(values) for name, values in filters.as_kwargs().items() if values})
    return reverse("changes_atom", args=[locale]) + (f"?{query}" if query else "")


def change_link(event: ChangeEvent, locale: str) -> str:
    if event.subject_kind == "incident":
        return reverse("site:incident", args=[locale, event.subject])
    if event.subject_kind == "article":
        return reverse("site:article", args=[locale, event.subject])
    if event.model:
        return reverse("site:model", args=[locale, event.model])
    return reverse("site:changes", args=[locale])


class ChangesFeed(Feed):
    """The latest events matching the query's filters (types, models, providers; currency)."""

    feed_type = Atom1Feed

    def get_object(self, request, locale: str):
        if locale not in settings.AIGO_LOCALES:
            raise Http404(f"Unknown locale {locale!r}.")
        return locale, filters_parse(request.GET), request.GET.get("currency")

    def title(self, obj) -> str:
        return gettext("AI-GO: what changed")

    def subtitle(self, obj) -> str:
        return gettext(
            "Prices, models, retirements, benchmark scores, incidents and news of AI models, as they change."
        )

    def link(self, obj) -> str:
        return reverse("site:changes", args=[obj[0]])

    def get_feed(self, obj, request):
        with translated(obj[0]):  # also the private feed, whose locale is the subscription's
            feed = super().get_feed(obj, request)
        feed.feed["language"] = obj[0]  # Feed takes it from the active translation, not from the object
        return feed

    def items(self, obj) -> list[ChangeText]:
        locale, filters, currency = obj
        described = _described(_recent(filters, None, FEED_SIZE), locale, currency)
        for text in described:  # item_* hooks see only the item, and this instance serves every request
            text.locale = locale
        return described

    def item_title(self, item: ChangeText) -> str:
        return item.title

    def item_description(self, item: ChangeText) -> str:
        return "; ".join(
            f"{line.label}: {line.before.text if line.before else '–'} → {line.after.text if line.after else '–'}"
            + (f" ({line.percent:+.1f} %)" if line.percent is not None else "")
            for line in item.prices
        )

    def item_link(self, item: ChangeText) -> str:
        return change_link(item.event, item.locale)

    def item_guid(self, item: ChangeText) -> str:
        return f"aigo-change-{item.event.id}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: ChangeText):
        return item.event.occurred_at

    def item_categories(self, item: ChangeText) -> list[str]:
        return [item.event.type]


class ChangesRss(ChangesFeed):
    feed_type = Rss201rev2Feed
    description = ChangesFeed.subtitle  # RSS's name for it


FEEDS = {"atom": ChangesFeed(), "rss": ChangesRss()}


def changes_feed(request, locale: str, kind: str):
    try:
        return FEEDS[kind](request, locale=locale)
    except FilterError as error:
        return JsonResponse(
            {"error": {"code": error.code, "message": error.message, "details": error.details}}, status=400
        )
