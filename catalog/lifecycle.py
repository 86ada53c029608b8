"""Lifecycle dates of canonical models as readers follow them: upcoming retirements, recent
releases and recently announced deprecations (the site's Lifecycle page, its calendar and Atom
feeds).

Every row carries `offer_slug`, the offer pages link to (the maker's own, else an active one, else
any), and so does its successor: one query per list, whatever the number of rows.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Case, IntegerField, OuterRef, QuerySet, Subquery, Value, When

from .models import AIModel, CanonicalModel

UPCOMING_DAYS = 180
RECENT_DAYS = 90
EVENTS = ("retirement", "release", "deprecation")


def _offer_slug(canonical: str, maker: str) -> Subquery:
    # Annotated first: an outer reference in a subquery's ORDER BY is never resolved.
    offers = (
        AIModel.objects.filter(canonical_model=OuterRef(canonical))
        .annotate(
            by_maker=Case(When(provider=OuterRef(maker), then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        .order_by("by_maker", "-is_active", "slug")
    )
    return Subquery(offers.values("slug")[:1])


def _with_offers(rows: QuerySet[CanonicalModel]) -> list[CanonicalModel]:
    rows = rows.select_related("maker", "successor").annotate(
        offer_slug=_offer_slug("pk", "maker_id"),
        successor_offer_slug=_offer_slug("successor_id", "successor__maker_id"),
    )
    found = list(rows)
    for row in found:
        if row.successor is not None:
            row.successor.offer_slug = row.successor_offer_slug
    return found


def retirements_upcoming(*, today: date, days: int = UPCOMING_DAYS) -> list[CanonicalModel]:
    """Models whose sunset falls in the next `days` days, the soonest first."""
    # uses index: idx_canonical_models_sunset
    rows = CanonicalModel.objects.filter(sunset_at__gte=today, sunset_at__lte=today + timedelta(days=days))
    return _with_offers(rows.order_by("sunset_at", "slug"))


def releases_recent(*, today: date, days: int = RECENT_DAYS) -> list[CanonicalModel]:
    """Models released in the last `days` days, the newest first."""
    # uses index: idx_canonical_models_released
    rows = CanonicalModel.objects.filter(released_at__gt=today - timedelta(days=days), released_at__lte=today)
    return _with_offers(rows.order_by("-released_at", "slug"))


def deprecations_recent(*, today: date, days: int = RECENT_DAYS) -> list[CanonicalModel]:
    """Models whose deprecation was announced in the last `days` days, the newest first."""
    rows = CanonicalModel.objects.filter(deprecated_at__gt=today - timedelta(days=days), deprecated_at__lte=today)
    return _with_offers(rows.order_by("-deprecated_at", "slug"))


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
