"""Change events in words, for people: the "What changed" page, the Atom feeds and the digests.

One line per event (its title) and, for prices, each amount before and after in the reader's
currency with the original beside it.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext, pgettext

from aigo.i18n import resolve
from aigo.i18n.formatting import day
from catalog.currency import ShownPrice, price_shown
from catalog.models import AIModel, ChangeEvent

# The event types in the groups a reader filters by (the page's "what" filter).
GROUPS = {
    "prices": ("price.changed", "price.scheduled"),
    "models": ("model.created", "model.updated"),
    "lifecycle": ("model.deprecated", "model.retiring", "model.retired"),
    "benchmarks": ("benchmark.scored",),
    "status": ("incident.opened", "incident.updated", "incident.resolved", "status.degraded", "status.recovered"),
    "news": ("news.published",),
}


def group_labels() -> list[tuple[str, str]]:
    labels = {
        "prices": gettext("Prices"),
        "models": gettext("New and updated models"),
        "lifecycle": gettext("Deprecations and retirements"),
        "benchmarks": gettext("Benchmark scores"),
        "status": gettext("Incidents and status"),
        "news": gettext("News"),
    }
    return [(group, labels[group]) for group in GROUPS]


AMOUNT_LABELS = {
    "input_per_million": lambda: gettext("input per 1M tokens"),
    "output_per_million": lambda: gettext("output per 1M tokens"),
    "image_per_unit": lambda: gettext("per image"),
    "audio_per_minute": lambda: gettext("audio per minute"),
    "video_per_minute": lambda: gettext("video per minute"),
    "fine_tuning_per_million": lambda: gettext("fine-tuning per 1M tokens"),
}


@dataclass
class PriceLine:
    label: str
    before: ShownPrice | None
    after: ShownPrice | None
    percent: float | None


@dataclass
class ChangeText:
    event: ChangeEvent
    title: str
    model_name: str | None = None
    prices: list[PriceLine] = field(default_factory=list)


def model_names(events: list[ChangeEvent], locale: str) -> dict[str, str]:
    """Each model slug of `events` -> its name in `locale` (one query)."""
    slugs = {event.model for event in events if event.model}
    return {
        model.slug: model.display_name(locale) for model in AIModel.objects.filter(slug__in=slugs).only("slug", "name")
    }


def _price_lines(event: ChangeEvent, currency: str, rates, locale: str) -> list[PriceLine]:
    payload = event.payload
    before, after = payload.get("before") or {}, payload.get("after") or {}

    def shown(amount):
        return (
            None if amount is None else price_shown(Decimal(str(amount)), payload["currency"], currency, rates, locale)
        )

    return [
        PriceLine(label(), shown(before.get(name)), shown(after.get(name)), payload.get("percent", {}).get(name))
        for name, label in AMOUNT_LABELS.items()
        if name in before or name in after
    ]


def _day(iso: str, locale: str) -> str:
    return day(date.fromisoformat(iso), locale)


def _title(event: ChangeEvent, name: str, locale: str) -> str:
    payload = event.payload
    after = payload.get("after") or {}
    titles = {
        "model.created": lambda: gettext("New model: %(name)s") % {"name": name},
        "model.updated": lambda: (
            gettext("%(name)s: %(fields)s changed") % {"name": name, "fields": ", ".join(payload.get("fields", []))}
        ),
        "model.deprecated": lambda: gettext("%(name)s is deprecated") % {"name": name},
        "model.retiring": lambda: (
            gettext("%(name)s retires on %(day)s") % {"name": name, "day": _day(payload["sunset_at"], locale)}
        ),
        "model.retired": lambda: gettext("%(name)s is retired") % {"name": name},
        "price.changed": lambda: gettext("%(name)s: new price") % {"name": name},
        "price.scheduled": lambda: (
            gettext("%(name)s: new price from %(day)s") % {"name": name, "day": _day(payload["effective_from"], locale)}
        ),
        "benchmark.scored": lambda: (
            gettext("%(name)s scored %(score)s on %(suite)s")
            % {"name": name, "score": after.get("score"), "suite": payload.get("suite")}
        ),
        "incident.opened": lambda: gettext("Incident: %(title)s") % {"title": after.get("title", "")},
        "incident.updated": lambda: gettext("Incident update: %(message)s") % {"message": after.get("message", "")},
        "incident.resolved": lambda: gettext("Resolved: %(title)s") % {"title": after.get("title", "")},
        "status.degraded": lambda: (
            gettext("%(name)s degraded in %(region)s") % {"name": name, "region": payload["region"]}
        ),
        "status.recovered": lambda: (
            gettext("%(name)s recovered in %(region)s") % {"name": name, "region": payload["region"]}
        ),
        "news.published": lambda: (
            pgettext("change", "News: %(title)s") % {"title": resolve(after.get("title"), locale) or event.subject}
        ),
    }
    return titles[event.type]()


def changes_described(events: list[ChangeEvent], locale: str, currency: str, rates) -> list[ChangeText]:
    names = model_names(events, locale)
    described = []
    for event in events:
        name = names.get(event.model, event.model or "")
        text = ChangeText(event, _title(event, name, locale), name or None)
        if event.type in GROUPS["prices"]:
            text.prices = _price_lines(event, currency, rates, locale)
        described.append(text)
    return described
