"""Writing resolved values: every offer's and canonical model's fields from all sources' current
values (source_values) by the policy, an editor's values and decisions kept.

A field holds an editor's value when it differs from what the import last wrote there
(metadata["resolved"], the baseline): the import then leaves it alone. A decision taken in the
review queue is the editor's value for as long as the sources say what they said when it was
taken. Disputed fields open a case in the queue (disagreements.py).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from catalog.models import AIModel, CanonicalModel, SourceImport, SourceValue
from catalog.sources.history import sources_dated_by_history
from catalog.sources.records import OFFER_FIELDS

from .disagreements import Decisions, disagreements_sync
from .observe import as_json
from .policy import Candidate, Resolution, resolve
from .rows import DATE_COLUMNS, dates_in_order, rows_update

# Offer columns resolved from the sources' offer fields of the same name.
OFFER_COLUMNS = (
    "name",
    "description",
    "released_at",
    "deprecated_at",
    "sunset_at",
    "training_cutoff",
    "context_window",
    "max_output_tokens",
    "modalities",
    "capabilities",
)
CANONICAL_COLUMNS = (*OFFER_COLUMNS, "open_weights", "license", "parameter_count")
LOCALIZED = ("name", "description")
# A model's deprecation and retirement are its maker's: a reseller ending its offer (Groq retiring
# Llama 3, Azure its copy of o1) dates that offer only.
MAKER_ONLY = ("deprecated_at", "sunset_at")
# Which dates keep their stored value when the sources' dates are out of order, one more each turn:
# a deprecation dated by a release history is only an upper bound, so it goes first.
KEPT_WHEN_OUT_OF_ORDER = (("deprecated_at",), ("sunset_at",), ("released_at",))
# Fields whose disagreement goes to the review queue: what the site shows as facts.
REVIEWED = {"released_at", "deprecated_at", "sunset_at", "training_cutoff", "context_window", "max_output_tokens"}


@dataclass
class Written:
    offers: int = 0
    canonical_models: int = 0
    kept_edits: int = 0
    fields: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    review: dict[str, int] = field(default_factory=dict)


def source_recency() -> dict[str, date]:
    """Each source's snapshot date from its newest import (the day of the import when it has none)."""
    recency = {}
    for source, snapshot, started in (
        SourceImport.objects.order_by("source", "-started_at")
        .distinct("source")
        .values_list("source", "snapshot_date", "started_at")
    ):
        recency[source] = snapshot or started.date()
    return recency


def current_value(row, column: str) -> Any:
    value = getattr(row, column)
    if column in LOCALIZED:
        value = (value or {}).get("en-US")
    return as_json(list(value) if isinstance(value, list | tuple) else value)


def baseline_of(row) -> dict | None:
    """What the import last wrote to the row; None for a row an editor made (all its values theirs)."""
    if "resolved" in row.metadata:
        return row.metadata["resolved"]
    if "imported" in row.metadata:  # written by the first importer, before resolution
        return row.metadata["imported"]
    return {} if row.metadata.get("source") or row.metadata.get("created_by") == "import" else None


def editor_value(row, column: str, baseline: dict | None) -> Any:
    """The row's value when an editor set it, else None."""
    value = current_value(row, column)
    if value in (None, [], ""):
        return None
    if baseline is None:
        return value
    return value if column in baseline and baseline[column] != value else None


def _store(row, column: str, value: Any) -> None:
    if column in LOCALIZED:
        others = {key: text for key, text in (getattr(row, column) or {}).items() if key != "en-US"}
        setattr(row, column, ({**others, "en-US": value} if value else others) or (None if column != "name" else {}))
    elif value is not None and row._meta.get_field(column).get_internal_type() == "DateField":
        setattr(row, column, date.fromisoformat(value))
    else:
        setattr(row, column, value if value is not None else ([] if column in ("modalities", "capabilities") else None))


def _apply(row, resolutions: dict[str, Resolution], baseline: dict | None, written: Written) -> bool:
    """Write the resolved values that are the import's to write; True when the row changed."""
    new_baseline = dict(baseline or {})
    stored_dates = {column: getattr(row, column) for column in DATE_COLUMNS}
    changed_columns = set()
    for column, resolution in resolutions.items():
        if resolution.rule == "editor":
            written.kept_edits += 1
            continue
        if column == "name" and not resolution.value:
            continue  # a name is required: keep the one the row was made with
        value = [] if resolution.value is None and column in ("modalities", "capabilities") else resolution.value
        new_baseline[column] = value
        if current_value(row, column) != value:
            _store(row, column, value)
            changed_columns.add(column)
    # Sources' dates out of order (a retirement before the day a release history says the model was
    # deprecated "on or before"): the fewest dates keep their stored value, the loosest first.
    for kept in KEPT_WHEN_OUT_OF_ORDER:
        if dates_in_order(row):
            break
        for column in kept:
            setattr(row, column, stored_dates[column])
            changed_columns.discard(column)
            if baseline is not None and column in baseline:
                new_baseline[column] = baseline[column]
            else:
                new_baseline.pop(column, None)
    for column in changed_columns:
        written.fields[column] += 1
    changed = bool(changed_columns)
    if baseline is not None and new_baseline != row.metadata.get("resolved"):
        row.metadata = {key: value for key, value in row.metadata.items() if key != "imported"} | {
            "resolved": new_baseline
        }
        changed = True
    return changed


def _candidates(recency: dict[str, date], found: list[tuple[str, Any]], first_party: set | None = None) -> list:
    return [
        Candidate(
            source,
            value,
            first_party=bool(first_party and (source, key) in first_party),
            recency=recency.get(source, date.min),
        )
        for source, value, key in found
    ]


def _row_resolutions(
    subject: str,
    row,
    columns: tuple[str, ...],
    found: dict,
    recency,
    decisions: Decisions,
    cases: list,
    first_party=None,
) -> tuple[dict[str, Resolution], dict | None]:
    baseline = baseline_of(row)
    resolutions = {}
    for column in columns:
        candidates = _candidates(recency, found.get(column, []), first_party)
        decided = decisions.get(subject, row.pk, column, candidates)
        editor = editor_value(row, column, baseline)
        resolutions[column] = resolve(
            OFFER_FIELDS.get(
                column, "text" if column == "license" else "int" if column == "parameter_count" else "bool"
            ),
            candidates,
            editor=editor if editor is not None else decided,
            editor_rule="editor" if editor is not None else "decision",
            earliest=subject == "canonical" and column == "released_at",
            latest=subject == "canonical" and column == "sunset_at",
            bounds=column == "deprecated_at" and {c.source for c in candidates} <= sources_dated_by_history(),
        )
        if column in REVIEWED and resolutions[column].disputed:
            cases.append((subject, row.pk, column, resolutions[column]))
    return resolutions, baseline


def offers_resolve(recency: dict[str, date], decisions: Decisions, today: date) -> Written:
    """Resolve every offer some source states something about; one retired by `today` is inactive."""
    written, cases, evaluated, changed_rows = Written(), [], set(), []
    found: dict = defaultdict(lambda: defaultdict(list))
    rows = SourceValue.objects.filter(subject="offer", field__in=[*OFFER_COLUMNS, "deprecated"]).exclude(target_id=None)
    for target, column, source, value, key in rows.values_list("target_id", "field", "source", "value", "source_key"):
        found[target][column].append((source, value, key))
    for row in AIModel.objects.filter(pk__in=list(found)):
        resolutions, baseline = _row_resolutions("offer", row, OFFER_COLUMNS, found[row.pk], recency, decisions, cases)
        evaluated |= {("offer", row.pk, column) for column in REVIEWED}
        changed = _apply(row, resolutions, baseline, written)
        # Active unless the sources say it is deprecated or its retirement day has come (an
        # editor's switch stays theirs).
        deprecated = resolve("bool", _candidates(recency, found[row.pk].get("deprecated", [])))
        retired = row.sunset_at is not None and row.sunset_at <= today
        if (
            (deprecated.value is not None or retired)
            and baseline is not None
            and row.is_active == baseline.get("is_active", row.is_active)
        ):
            active = not (deprecated.value or retired)
            row.metadata["resolved"] = {**row.metadata.get("resolved", {}), "is_active": active}
            changed |= active != row.is_active
            row.is_active = active
        if changed:
            changed_rows.append(row)
    written.offers = rows_update(changed_rows, [*OFFER_COLUMNS, "is_active", "metadata"])
    written.review = disagreements_sync(cases, evaluated)
    return written


def canonicals_resolve(recency: dict[str, date], decisions: Decisions) -> Written:
    """Resolve every canonical model from the values of all its offers: the maker's own offers'
    values are first-party."""
    written, cases, evaluated, changed_rows = Written(), [], set(), []
    offers = defaultdict(list)
    for offer_id, canonical_id, provider_id in AIModel.objects.exclude(canonical_model=None).values_list(
        "pk", "canonical_model_id", "provider_id"
    ):
        offers[canonical_id].append((offer_id, provider_id))
    by_offer: dict = defaultdict(lambda: defaultdict(list))
    rows = SourceValue.objects.filter(subject="offer", field__in=CANONICAL_COLUMNS).exclude(target_id=None)
    for target, column, source, value, key in rows.values_list("target_id", "field", "source", "value", "source_key"):
        by_offer[target][column].append((source, value, key))
    for row in CanonicalModel.objects.filter(pk__in=list(offers)):
        found: dict = defaultdict(list)
        first_party = set()
        for offer_id, provider_id in offers[row.pk]:
            for column, values in by_offer.get(offer_id, {}).items():
                if provider_id != row.maker_id and column in MAKER_ONLY:
                    continue
                found[column] += values
                if provider_id == row.maker_id:
                    first_party |= {(source, key) for source, _value, key in values}
        if not found:
            continue
        resolutions, baseline = _row_resolutions(
            "canonical", row, CANONICAL_COLUMNS, found, recency, decisions, cases, first_party
        )
        evaluated |= {("canonical", row.pk, column) for column in REVIEWED}
        if _apply(row, resolutions, baseline, written):
            changed_rows.append(row)
    written.canonical_models = rows_update(changed_rows, [*CANONICAL_COLUMNS, "metadata"])
    written.review = disagreements_sync(cases, evaluated)
    return written
