"""The Lifecycle page: upcoming retirements, recent releases and deprecations, and the same
events as an iCalendar feed (calendar subscriptions) and an Atom feed (feed readers)."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext, pgettext

from aigo.i18n.formatting import day
from aigo.site.cache import cached_page
from aigo.site.ical import DayEvent, calendar_text
from catalog.lifecycle import (
    LATEST,
    UPCOMING_DAYS,
    LifecycleEvent,
    deprecations_recent,
    lifecycle_events,
    releases_recent,
    retirements_upcoming,
)
from catalog.models import CanonicalModel


def model_url(model: CanonicalModel, locale: str) -> str | None:
    """The model's page, or None when no provider offers it (it has none)."""
    return reverse("site:canonical_model", args=[locale, model.slug]) if getattr(model, "offered", False) else None


def _linked(rows: list[CanonicalModel], locale: str) -> list[CanonicalModel]:
    for row in rows:
        row.url = model_url(row, locale)
        if row.successor is not None:
            row.successor.url = model_url(row.successor, locale)
    return rows


@cached_page("models")
def lifecycle(request, locale: str):
    today = timezone.localdate()
    return TemplateResponse(
        request,
        "site/lifecycle.html",
        {
            "nav": "lifecycle",
            "retirements": _linked(retirements_upcoming(today=today), locale),
            "releases": _linked(releases_recent(today=today), locale),
            "deprecations": _linked(deprecations_recent(today=today), locale),
            "upcoming_days": UPCOMING_DAYS,
            "latest": LATEST,
        },
    )


def _summary(event: LifecycleEvent, locale: str) -> str:
    name = event.model.display_name(locale)
    titles = {
        "retirement": pgettext("lifecycle event", "Retirement: %(model)s"),
        "release": pgettext("lifecycle event", "Release: %(model)s"),
        "deprecation": pgettext("lifecycle event", "Deprecation announced: %(model)s"),
    }
    if event.kind == "deprecation" and event.model.bounded:  # catalog.lifecycle.deprecations_recent
        return pgettext("lifecycle event", "Deprecated (on or before this day): %(model)s") % {"model": name}
    return titles[event.kind] % {"model": name}


def _description(event: LifecycleEvent, locale: str) -> str:
    model = event.model
    lines = []
    if model.maker is not None:
        lines.append(gettext("Maker: %(maker)s") % {"maker": model.maker.name})
    if model.sunset_at and event.kind != "retirement":
        lines.append(gettext("Retires on %(day)s.") % {"day": day(model.sunset_at, locale)})
    if model.successor is not None:
        lines.append(gettext("Successor: %(model)s") % {"model": model.successor.display_name(locale)})
    return "\n".join(lines)


def _event_path(event: LifecycleEvent, locale: str) -> str:
    """The model's page, else (a model no provider offers) the Lifecycle page."""
    return model_url(event.model, locale) or reverse("site:lifecycle", args=[locale])


@cached_page("models")
def lifecycle_calendar(request, locale: str):
    events = [
        DayEvent(
            uid=event.uid,
            day=event.day,
            summary=_summary(event, locale),
            stamp=event.model.updated_at,
            description=_description(event, locale),
            url=request.build_absolute_uri(_event_path(event, locale)),
            categories=(event.kind,),
        )
        for event in lifecycle_events(today=timezone.localdate())
    ]
    text = calendar_text(name=gettext("AI-GO: model lifecycle"), events=events)
    return HttpResponse(text, content_type="text/calendar; charset=utf-8")


class LifecycleFeed(Feed):
    """The calendar's events as Atom entries."""

    feed_type = Atom1Feed

    def get_object(self, request, locale: str) -> str:
        if locale not in settings.AIGO_LOCALES:
            raise Http404(f"Unknown locale {locale!r}.")
        return locale

    def title(self, locale: str) -> str:
        return gettext("AI-GO: model lifecycle")

    def subtitle(self, locale: str) -> str:
        return gettext("Upcoming retirements, latest releases and deprecations of AI models.")

    def link(self, locale: str) -> str:
        return reverse("site:lifecycle", args=[locale])

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        feed.feed["language"] = obj  # Feed takes it from the active translation, not from the object
        return feed

    def items(self, locale: str) -> list[LifecycleEvent]:
        events = lifecycle_events(today=timezone.localdate())
        # item_* hooks see only the item, and this Feed instance serves every request at once.
        for event in events:
            event.model.feed_locale = locale
        return events

    def item_title(self, item: LifecycleEvent) -> str:
        return f"{_summary(item, item.model.feed_locale)} ({day(item.day, item.model.feed_locale)})"

    def item_description(self, item: LifecycleEvent) -> str:
        return _description(item, item.model.feed_locale)

    def item_link(self, item: LifecycleEvent) -> str:
        return _event_path(item, item.model.feed_locale)

    def item_guid(self, item: LifecycleEvent) -> str:
        return item.uid

    item_guid_is_permalink = False

    # An entry is dated by when its facts last changed; the event's own day is in its title.
    def item_updateddate(self, item: LifecycleEvent):
        return item.model.updated_at

    def item_categories(self, item: LifecycleEvent) -> list[str]:
        return [item.kind]


lifecycle_atom = cached_page("models")(LifecycleFeed())
