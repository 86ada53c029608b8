"""Lifecycle dates of canonical models as readers follow them: upcoming retirements, recent
releases and deprecations (the site's Lifecycle page, its calendar and Atom
feeds).

Every row, and its successor, says whether any provider offers it (`offered`): only those have a
page to link to. One query per list, whatever the number of rows.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import CharField, Exists, Func, JSONField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast

from .models import AIModel, CanonicalModel, SourceValue
from .sources.history import sources_dated_by_history

UPCOMING_DAYS = 180
LATEST = 30  # releases and deprecations listed
EVENTS = ("retirement", "release", "deprecation")


def _offered(canonical: str) -> Exists:
    return Exists(AIModel.objects.filter(canonical_model=OuterRef(canonical)))


def _notices(targets) -> QuerySet[SourceValue]:
    """The pages announcing these offers' retirement, as the sources link them (LiteLLM's)."""
    return SourceValue.objects.filter(subject="offer", field="lifecycle_url", target_id__in=targets).order_by(
        "source", "source_key"
    )


def _with_offers(rows: QuerySet[CanonicalModel]) -> list[CanonicalModel]:
    rows = rows.select_related("maker", "successor").annotate(
        offered=_offered("pk"), successor_offered=_offered("successor_id")
    )
    found = list(rows)
    for row in found:
        if row.successor is not None:
            row.successor.offered = row.successor_offered
    return found


def retirements_upcoming(*, today: date, days: int = UPCOMING_DAYS) -> list[CanonicalModel]:
    """Models whose sunset falls in the next `days` days, the soonest first (`bounded`: as in
    deprecations_recent, of the day the model was deprecated)."""
    # uses index: idx_canonical_models_sunset
    rows = CanonicalModel.objects.filter(sunset_at__gte=today, sunset_at__lte=today + timedelta(days=days))
    # A model's retirement is its maker's (catalog.sources.apply.resolve.MAKER_ONLY): so is its notice.
    makers = AIModel.objects.filter(
        canonical_model=OuterRef(OuterRef("pk")), provider_id=OuterRef(OuterRef("maker_id"))
    )
    notice = Subquery(_notices(makers.values("pk")).values("value")[:1], output_field=JSONField())
    return _with_offers(rows.annotate(notice=notice, bounded=_bounded()).order_by("sunset_at", "slug"))


def releases_recent(*, today: date, limit: int = LATEST) -> list[CanonicalModel]:
    """The `limit` latest releases up to today, the newest first (the sources' data trails the
    news by weeks: a fixed window would often be empty)."""
    # uses index: idx_canonical_models_released
    rows = CanonicalModel.objects.filter(released_at__lte=today)
    return _with_offers(rows.order_by("-released_at", "slug")[:limit])


def deprecations_recent(*, today: date, limit: int = LATEST) -> list[CanonicalModel]:
    """The `limit` latest deprecations up to today, the newest first. `bounded`: the day is not an
    announcement's but the first of a source's releases marking the model deprecated (on or before)."""
    rows = CanonicalModel.objects.filter(deprecated_at__lte=today)
    return _with_offers(rows.annotate(bounded=_bounded()).order_by("-deprecated_at", "slug")[:limit])


def _bounded() -> Q:
    # The maker's offers' statements of the day shown (a model's deprecation is its maker's): all of them
    # from sources whose releases' history dates the deprecation (catalog.sources.history).
    stated = SourceValue.objects.filter(
        subject="offer",
        field="deprecated_at",
        target_id__in=AIModel.objects.filter(
            canonical_model=OuterRef(OuterRef("pk")), provider_id=OuterRef(OuterRef("maker_id"))
        ).values("pk"),
        value=Func(Cast(OuterRef("deprecated_at"), CharField()), function="to_jsonb", output_field=JSONField()),
    )
    history = sources_dated_by_history()
    return Exists(stated.filter(source__in=history)) & ~Exists(stated.exclude(source__in=history))


def notice_url(offer: AIModel) -> str | None:
    """The page announcing the offer's retirement, as a source links it: the offer's own, else its
    maker's offer's (a model's retirement is its maker's). One query."""
    offers = Q(pk=offer.pk)
    canonical = offer.canonical_model
    if canonical is not None and canonical.maker_id:
        offers |= Q(canonical_model=canonical, provider_id=canonical.maker_id)
    found = dict(_notices(AIModel.objects.filter(offers).values("pk")).values_list("target_id", "value"))
    return found.get(offer.pk) or next(iter(found.values()), None)


@dataclass(frozen=True)
class LifecycleEvent:
    kind: str  # one of EVENTS
    day: date
    model: CanonicalModel

    @property
    def uid(self) -> str:
        # Stable across runs and date changes, so a calendar moves the event rather than adding one.
        return f"{self.model.pk}-{self.kind}@ai-go"


def lifecycle_events(*, today: date) -> list[LifecycleEvent]:
    """The three lists as dated events, by day (the calendar and Atom feeds)."""
    events = [LifecycleEvent("retirement", row.sunset_at, row) for row in retirements_upcoming(today=today)]
    events += [LifecycleEvent("release", row.released_at, row) for row in releases_recent(today=today)]
    events += [LifecycleEvent("deprecation", row.deprecated_at, row) for row in deprecations_recent(today=today)]
    return sorted(events, key=lambda event: (event.day, event.kind, event.model.slug))
