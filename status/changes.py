"""status.degraded and status.recovered events, per model and region: written when the detector's
verdict (already debounced: several 5-minute periods in a row) differs from the last one announced."""

from django.db.models.fields.json import KT

from catalog.changes import actor_set, change_record
from catalog.models import AIModel, ChangeEvent

ACTOR = "detector:status"
TYPES = ("status.degraded", "status.recovered")


def _last_announced() -> dict[tuple[str, str], str]:
    """(model, region) -> the type of the last status event announced for it."""
    events = ChangeEvent.objects.filter(type__in=TYPES).annotate(region=KT("payload__region"))
    rows = events.order_by("model", "region", "-id").distinct("model", "region").values_list("model", "region", "type")
    return {(model, region): kind for model, region, kind in rows}


def status_changes_record(degraded: dict[tuple, float], healthy: set[tuple], threshold: float) -> int:
    """Announce each (model id, region) of `degraded` (with its lowest availability) not announced as
    degraded, and each of `healthy` last announced degraded; returns the events written."""
    ids = {model_id for model_id, _region in (*degraded, *healthy)}
    names = {
        pk: (slug, provider)
        for pk, slug, provider in AIModel.objects.filter(pk__in=ids).values_list("pk", "slug", "provider__slug")
    }
    last = _last_announced()
    events = []
    for (model_id, region), worst in degraded.items():
        if last.get((names[model_id][0], region)) != "status.degraded":
            events.append(("status.degraded", model_id, region, {"availability": round(worst, 2)}))
    for model_id, region in healthy:
        if last.get((names[model_id][0], region)) == "status.degraded":
            events.append(("status.recovered", model_id, region, {}))
    if events:
        actor_set(ACTOR)
    for kind, model_id, region, after in sorted(events, key=lambda event: (names[event[1]], event[2])):
        slug, provider = names[model_id]
        change_record(
            kind,
            subject=slug,
            model=slug,
            provider=provider,
            payload={"region": region, "threshold": threshold, "after": after},
        )
    return len(events)
