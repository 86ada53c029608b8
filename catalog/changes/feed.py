"""Reading change events in an order a cursor can resume without skipping any.

Event ids come from a sequence when a row is written, but transactions commit in another order: a
reader that saw id 6 could later miss id 5, committed after it. So the feed reads in (txid, id)
order, and only events of transactions older than every transaction still running
(pg_snapshot_xmin): any event that commits later has a txid above that horizon, so above every
cursor already handed out. An event reaches the feed once its transaction and every older one
have ended (milliseconds, or the length of a long import).

txid and the horizon are the primary's: replicas number transactions their own way, so the feed
always reads the primary.
"""

from dataclasses import dataclass

from django.db import connections
from django.db.models import BigIntegerField, BooleanField
from django.db.models.expressions import RawSQL

from catalog.models import ChangeEvent

PRIMARY = "default"


class CursorUnknown(LookupError):
    """The cursor names no event (never written, or its month was pruned)."""


@dataclass(frozen=True)
class Cursor:
    txid: int
    id: int


START = Cursor(0, 0)


@dataclass(frozen=True)
class ChangeFilters:
    """Events of these types, models and providers (an empty one: any)."""

    types: tuple[str, ...] = ()
    models: tuple[str, ...] = ()
    providers: tuple[str, ...] = ()

    def as_kwargs(self) -> dict[str, tuple[str, ...]]:
        return {"types": self.types, "models": self.models, "providers": self.providers}

    def apply(self, events):
        """`events` (a ChangeEvent queryset) narrowed to these filters."""
        # uses index: idx_changes_model / idx_changes_provider with those filters
        if self.types:
            events = events.filter(type__in=self.types)
        if self.models:
            events = events.filter(model__in=self.models)
        if self.providers:
            events = events.filter(provider__in=self.providers)
        return events


def cursor_of(event_id: int) -> Cursor:
    """The feed position just after event `event_id` (0: the beginning)."""
    if event_id == 0:
        return START
    with connections[PRIMARY].cursor() as cursor:
        cursor.execute("SELECT txid::text::bigint FROM catalog_changes WHERE id = %s", [event_id])
        row = cursor.fetchone()
    if row is None:
        raise CursorUnknown(event_id)
    return Cursor(row[0], event_id)


def changes_after(after: Cursor, *, limit: int, filters: ChangeFilters = ChangeFilters()) -> list[ChangeEvent]:
    """Up to `limit` events after `after`, oldest first, that match every filter given (each event
    carries its `txid`: Cursor(event.txid, event.id) resumes after it)."""
    settled = RawSQL(
        "txid < pg_snapshot_xmin(pg_current_snapshot()) AND (txid, id) > (%s::text::xid8, %s)",
        [str(after.txid), after.id],
        output_field=BooleanField(),
    )
    # uses index: idx_changes_feed
    events = filters.apply(ChangeEvent.objects.using(PRIMARY).filter(settled))
    events = events.annotate(txid=RawSQL("txid::text::bigint", [], output_field=BigIntegerField()))
    return list(events.order_by(RawSQL("txid", []).asc(), "id")[:limit])
