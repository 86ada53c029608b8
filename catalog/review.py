"""The review queue of the sources' disagreements (docs/data.md): what each source of a case says
and since when, the catalog rows cases and source values are about, and an editor's decision.

A decision is written at once to the row, and kept by the import while every source says what
the case recorded (catalog.sources.apply.disagreements.Decisions); once a source changes its
value the case is superseded and the policy decides again.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from catalog.models import AIModel, CanonicalModel, Pricing, Provider, SourceDisagreement, SourceValue
from catalog.sources.apply.observe import as_json
from catalog.sources.apply.price_review import PRICE_COMPONENTS, standard_price_rows
from catalog.sources.apply.resolve import CANONICAL_COLUMNS, LOCALIZED, OFFER_COLUMNS, baseline_of, current_value

# The catalog row a source value or a case points at, by subject (a price: its offer's row).
TARGET_MODELS: dict[str, type[Model]] = {
    "provider": Provider,
    "offer": AIModel,
    "price": AIModel,
    "canonical": CanonicalModel,
}
# Scalar columns an editor can decide: a list value in a case is then several offers' values.
DECIDABLE = {
    "offer": set(OFFER_COLUMNS) - set(LOCALIZED) - {"modalities", "capabilities"},
    "canonical": set(CANONICAL_COLUMNS) - set(LOCALIZED) - {"modalities", "capabilities"},
    "price": set(PRICE_COMPONENTS),  # of the offer's current standard price
}


@dataclass(frozen=True)
class Stated:
    source: str
    value: Any
    since: datetime | None = None  # when the source first stated it
    checked_at: datetime | None = None  # the last import that saw it
    offers: int = 1  # how many of the source's offers state it (a canonical model's case)


def targets_load(pairs: Iterable[tuple[str, Any]]) -> dict[tuple[str, Any], Model]:
    """The catalog rows of (subject, target id) pairs: one query per kind of row."""
    pairs = [(subject, target) for subject, target in pairs if target is not None and subject in TARGET_MODELS]
    wanted: dict[type[Model], set] = defaultdict(set)
    for subject, target in pairs:
        wanted[TARGET_MODELS[subject]].add(target)
    rows = {model: model.objects.in_bulk(ids) for model, ids in wanted.items()}
    return {
        (subject, target): rows[TARGET_MODELS[subject]][target]
        for subject, target in pairs
        if target in rows[TARGET_MODELS[subject]]
    }


def said_each(said: Any) -> list:
    """A source's values in a case: a list when it states several (one per offer, sorted)."""
    return said if isinstance(said, list) else [said]


def cases_stated(cases: Sequence[SourceDisagreement]) -> dict[Any, list[Stated]]:
    """Case id -> what each source says, with since when and when it was last checked: two queries
    for any number of cases (a canonical model's values are its offers')."""
    offers: dict[Any, list] = {case.target_id: [case.target_id] for case in cases if case.subject in ("offer", "price")}
    canonical = [case.target_id for case in cases if case.subject == "canonical"]
    for offer, model in AIModel.objects.filter(canonical_model__in=canonical).values_list("pk", "canonical_model"):
        offers.setdefault(model, []).append(offer)
    dates: dict[tuple, list] = defaultdict(list)  # (offer, field, source) -> [(value, since, checked_at)]
    rows = SourceValue.objects.filter(
        subject__in=("offer", "price"),
        target_id__in=[offer for ids in offers.values() for offer in ids],
        field__in={case.field for case in cases},
    )
    for target, field, source, value, since, checked in rows.values_list(
        "target_id", "field", "source", "value", "since", "checked_at"
    ):
        dates[(target, field, source)].append((value, since, checked))
    stated = {}
    for case in cases:
        stated[case.pk] = []
        for source, said in sorted(case.values.items()):
            values = said_each(said)
            for value in [value for index, value in enumerate(values) if value not in values[:index]]:
                found = [
                    (since, checked)
                    for offer in offers.get(case.target_id, [])
                    for known, since, checked in dates[(offer, case.field, source)]
                    if known == value
                ]
                since = min((since for since, _checked in found), default=None)
                checked = max((checked for _since, checked in found), default=None)
                stated[case.pk].append(Stated(source, value, since, checked, values.count(value)))
    return stated


def _decided_row(case: SourceDisagreement, value: Any, source: str, *, lock: bool = False) -> Model:
    """The case's row with the decided value set (not saved), every rule of the column and of the
    table checked; ValidationError says what is wrong."""
    if case.status == "superseded":
        raise ValidationError("The sources have changed since this case was opened: nothing left to decide.")
    if case.field not in DECIDABLE.get(case.subject, ()):
        raise ValidationError(f"A {case.get_subject_display()}'s {case.field} cannot be decided here.")
    if value in (None, ""):
        raise ValidationError("Enter a value.")
    if source and value not in said_each(case.values.get(source)):
        raise ValidationError(f"{source} does not say {value!r}.")
    row = _case_row(case, lock=lock)
    if row is None:
        raise ValidationError("The catalog row of this case no longer exists.")
    setattr(row, case.field, row._meta.get_field(case.field).clean(value, row))
    row.validate_constraints()
    return row


def _case_row(case: SourceDisagreement, *, lock: bool) -> Model | None:
    """The row a decision is written to: the offer or canonical model, or for a price case the
    offer's standard price in force today."""
    if case.subject == "price":
        rows = standard_price_rows([case.target_id], timezone.localdate())
        row = rows.get(case.target_id)
        return Pricing.objects.select_for_update().get(pk=row.pk) if row is not None and lock else row
    model = TARGET_MODELS[case.subject]
    rows = model.objects.select_for_update() if lock else model.objects
    return rows.filter(pk=case.target_id).first()


def decision_check(*, case: SourceDisagreement, value: Any, source: str) -> Any:
    """The value as the column stores it, when it may be decided; else ValidationError."""
    return getattr(_decided_row(case, value, source), case.field)


@transaction.atomic
def disagreement_decide(
    *, case: SourceDisagreement, value: Any, source: str, user: AbstractBaseUser
) -> SourceDisagreement:
    """Resolve `case` with `value` (`source`'s, or the editor's own when `source` is "") and write
    it to the catalog row now."""
    case = SourceDisagreement.objects.select_for_update().get(pk=case.pk)
    row = _decided_row(case, value, source, lock=True)
    baseline = None if case.subject == "price" else baseline_of(row)
    if case.subject == "price":
        # The price writers keep a decided component while the case stands (apply/price_review.py).
        decided = {**row.metadata.get("decided", {}), case.field: as_json(getattr(row, case.field))}
        row.metadata = {**row.metadata, "decided": decided}
    elif baseline is not None:
        # The import's baseline holds the decision, so the import reads the value as the decision's
        # (kept while the sources stand, replaced once one changes), not as an edit kept forever.
        row.metadata = {**row.metadata, "resolved": {**baseline, case.field: current_value(row, case.field)}}
    row.save(update_fields=[case.field, "metadata"])  # its post_save drops the cached pages (catalog.signals)
    case.status = "resolved"
    case.chosen = as_json(getattr(row, case.field))
    case.chosen_source = source
    case.resolved_by = user.get_username()
    case.resolved_at = timezone.now()
    case.save(update_fields=["status", "chosen", "chosen_source", "resolved_by", "resolved_at"])
    return case
