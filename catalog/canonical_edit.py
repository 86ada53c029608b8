"""Editors' corrections of the canonical grouping: merging canonical models that are one model,
and splitting offers out of one that are another. Every offer they move is pinned
(metadata["canonical_pinned"]): the import never moves it back."""

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from catalog.listings import catalog_changed
from catalog.models import AIModel, CanonicalModel, SourceDisagreement, SourceMapping

# An editor's canonical model: no source's name reduces to this key (catalog.sources.identity).
EDITOR_KEY_PREFIX = "editor/"


def _offers_move(offers: Sequence[AIModel], target: CanonicalModel, *, pin: bool = True) -> int:
    for offer in offers:
        offer.canonical_model = target
        if pin:
            offer.metadata = {**offer.metadata, "canonical_pinned": True}
    AIModel.objects.bulk_update(offers, ["canonical_model", "metadata"])
    catalog_changed("models")  # a bulk update sends no post_save
    return len(offers)


@transaction.atomic
def canonical_merge(*, sources: Sequence[CanonicalModel], target: CanonicalModel, pin: bool = True) -> int:
    """Move every offer of `sources` to `target` and delete them; their keys become the target's
    aliases, so the sources' names of them keep reaching the target. Returns the offers moved.
    `pin`: the offers are marked as placed by an editor (the import's own merges do not)."""
    ids = [source.pk for source in sources if source.pk != target.pk]
    if not ids:
        raise ValidationError("Pick canonical models other than the one to merge them into.")
    target = CanonicalModel.objects.select_for_update().get(pk=target.pk)
    merged = list(CanonicalModel.objects.select_for_update().filter(pk__in=ids))
    moved = _offers_move(list(AIModel.objects.select_for_update().filter(canonical_model__in=ids)), target, pin=pin)
    aliases = set(target.metadata.get("aliases", []))
    for source in merged:
        aliases |= {source.key, *source.metadata.get("aliases", [])}
    target.metadata = {**target.metadata, "aliases": sorted(aliases)}
    target.save(update_fields=["metadata"])
    # What pointed at the merged models now points at the target, rather than vanish with them.
    CanonicalModel.objects.filter(successor__in=ids).exclude(pk=target.pk).update(successor=target)
    SourceMapping.objects.filter(canonical_model__in=ids).update(canonical_model=target)
    # Their open cases are about rows that no longer exist: nothing left to decide.
    SourceDisagreement.objects.filter(subject="canonical", target_id__in=ids, status__in=["open", "resolved"]).update(
        status="superseded", resolved_at=timezone.now()
    )
    CanonicalModel.objects.filter(pk__in=ids).delete()
    return moved


@transaction.atomic
def canonical_split(*, offers: Sequence[AIModel], name: str, slug: str) -> CanonicalModel:
    """Move `offers` to a new canonical model `name` (made by the same maker when they all came
    from one canonical model)."""
    rows = list(AIModel.objects.select_for_update().filter(pk__in=[offer.pk for offer in offers]))
    if not rows:
        raise ValidationError("Pick the offers to split out.")
    origins = {row.canonical_model_id for row in rows}
    origin = CanonicalModel.objects.filter(pk=origins.pop()).first() if len(origins) == 1 else None
    canonical = CanonicalModel(
        key=f"{EDITOR_KEY_PREFIX}{slug}",
        slug=slug,
        name={"en-US": name},
        maker=origin.maker if origin else None,
        # "resolved" empty: the import fills its facts from its offers' sources (resolve.baseline_of).
        metadata={"created_by": "editor", "resolved": {}},
    )
    canonical.full_clean()
    canonical.save()
    _offers_move(rows, canonical)
    return canonical
