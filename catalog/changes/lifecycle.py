"""The lifecycle events no write carries: a model's retirement coming (30, 7 and 1 days ahead)
and the day it comes. Run by beat (catalog.tasks.announce_lifecycle); each is announced once per
sunset date, so a re-run, or two at once, adds nothing."""

from datetime import date, timedelta

from django.db import connection, transaction
from django.utils import timezone

from catalog.models import AIModel, ChangeEvent

from .record import actor_set, change_record

RETIRING_DAYS = (1, 7, 30)
# A sunset older than this when first seen was never announced ahead: it is history, not news.
RETIRED_WINDOW = timedelta(days=7)
ACTOR = "system:lifecycle"
LOCK = 7_301_127


def _announced(since: date) -> set[tuple[str, str, int]]:
    """(model, sunset date, days ahead) of what was announced; retired counts as 0 days ahead."""
    events = ChangeEvent.objects.filter(
        type__in=["model.retiring", "model.retired"], occurred_at__date__gte=since - timedelta(days=max(RETIRING_DAYS))
    )
    return {(event.model, event.payload["sunset_at"], event.payload.get("days", 0)) for event in events}


@transaction.atomic
def lifecycle_announce(today: date | None = None) -> int:
    """Announce every retirement due within 30 days and every sunset passed; returns the events written."""
    today = today or timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK])
    actor_set(ACTOR)
    announced = _announced(today - RETIRED_WINDOW)
    written = 0
    due = AIModel.objects.filter(
        sunset_at__gt=today - RETIRED_WINDOW, sunset_at__lte=today + timedelta(days=max(RETIRING_DAYS))
    ).select_related("provider", "canonical_model__successor")
    for model in due.order_by("sunset_at", "slug"):
        left = (model.sunset_at - today).days
        sunset = model.sunset_at.isoformat()
        # The nearest mark reached; marks passed before it (a sunset set 5 days ahead) are not sent late.
        days = 0 if left <= 0 else min(mark for mark in RETIRING_DAYS if left <= mark)
        if any((model.slug, sunset, mark) in announced for mark in range(days + 1)):
            continue
        payload = {"sunset_at": sunset, "successor": _successor(model)}
        if days:
            payload |= {"days": days, "days_left": left}
        change_record(
            "model.retiring" if days else "model.retired",
            subject=model.slug,
            model=model.slug,
            provider=model.provider.slug,
            payload=payload,
        )
        written += 1
    return written


def _successor(model: AIModel) -> str | None:
    canonical = model.canonical_model
    successor = canonical.successor if canonical else None
    return successor.slug if successor else None
