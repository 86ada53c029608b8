"""Writing a provider's models: matched by source key, new ones given a free slug, imported fields
merged with editors' changes, models gone from the package flagged."""

from datetime import date

from catalog.models import AIModel, Provider
from catalog.sources.genai_prices import SOURCE, DesiredModel, DesiredProvider, slug_candidates

from .merge import merge_fields
from .report import ImportReport, Tally

# Model metadata the import sets only when it applies.
MODEL_OPTIONAL_KEYS = ("price_comments", "missing_from_source")


def models_sync(
    provider: Provider, desired: DesiredProvider, *, today: date, report: ImportReport
) -> tuple[dict[str, AIModel], Tally]:
    tally = Tally()
    # By source key, not provider: a model an editor moved to another provider stays one row.
    imported = AIModel.objects.filter(metadata__source=SOURCE, metadata__source_key__startswith=f"{desired.source_id}:")
    existing = {model.metadata["source_key"]: model for model in imported}
    taken: set[str] | None = None  # every slug in the table, read once a new model needs one
    models, new = {}, []
    for wanted in desired.models:
        model = existing.pop(wanted.source_key, None)
        if model is None:
            if taken is None:
                taken = set(AIModel.objects.values_list("slug", flat=True))
            candidates = slug_candidates(wanted.slug_stem, provider.slug, wanted.own)
            slug = next(slug for slug in candidates if slug not in taken)
            taken.add(slug)
            model = AIModel(provider=provider, slug=slug, name={}, metadata={})
        changed, kept = _model_apply(model, wanted, today=today, version=report.source_version)
        if model._state.adding:
            new.append(model)
            tally.created += 1
        elif changed:
            model.save(update_fields=changed)
            tally.updated += 1
        else:
            tally.kept_edits += kept
            tally.unchanged += not kept
        models[wanted.source_key] = model
    AIModel.objects.bulk_create(new, batch_size=500)
    # Gone from the package: flagged for editors, never deleted or deactivated.
    for model in existing.values():
        report.missing_models += 1
        if not model.metadata.get("missing_from_source"):
            model.metadata = {**model.metadata, "missing_from_source": True}
            model.save(update_fields=["metadata"])
            tally.updated += 1
    return models, tally


def _model_current(model: AIModel) -> dict:
    return {
        "name": (model.name or {}).get("en-US"),
        "description": (model.description or {}).get("en-US"),
        "context_window": model.context_window,
        "foundation_model": model.foundation_model,
        "modalities": list(model.modalities),
        "capabilities": list(model.capabilities),
        "is_active": model.is_active,
        "deprecated_at": model.deprecated_at.isoformat() if model.deprecated_at else None,
    }


def _model_apply(model: AIModel, wanted: DesiredModel, *, today: date, version: str) -> tuple[list[str], bool]:
    """Set the model's imported fields in memory; returns the fields to save and whether an
    editor's change was kept."""
    imported = model.metadata.get("imported", {})
    # deprecated_at is the day AI-GO first saw the deprecation; the package has no date.
    deprecated_at = (imported.get("deprecated_at") or today.isoformat()) if wanted.deprecated else None
    target = {**wanted.fields, "deprecated_at": deprecated_at}
    if model._state.adding:
        writes, baseline, kept = target, target, False
    else:
        writes, baseline, kept = merge_fields(_model_current(model), imported, target)
    metadata = {key: value for key, value in model.metadata.items() if key not in MODEL_OPTIONAL_KEYS}
    metadata.update(
        wanted.metadata,
        source=SOURCE,
        source_key=wanted.source_key,
        derived_from_prices=["modalities", "capabilities"],
        imported=baseline,
    )
    if "deprecated_at" in writes:
        if writes["deprecated_at"]:
            metadata["deprecated_source"] = SOURCE
        else:
            metadata.pop("deprecated_source", None)
    if not writes and metadata == model.metadata:
        return [], kept
    # source_version is the package version that last changed the row.
    metadata["source_version"] = version
    model.metadata = metadata
    for name, value in writes.items():
        if name in ("name", "description"):
            # Only en-US is imported; other locales are the editors'.
            others = {key: text for key, text in (getattr(model, name) or {}).items() if key != "en-US"}
            value = ({**others, "en-US": value} if value else others) or None
        elif name == "deprecated_at":
            value = date.fromisoformat(value) if value else None
        setattr(model, name, value)
    return [*writes, "metadata"], kept
