"""Where each value a reader sees comes from: for a model's facts and prices, the value shown, the
rule that chose it (docs/data.md), which sources agree with it, which differ and what they say,
whether an editor set it, and when a source last confirmed it.

Computed from the sources' current values (source_values) with the same policy the import applied,
so what a page explains is what the import did.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef, Q
from django.db.models.functions import JSONObject
from django.utils import timezone
from django.utils.translation import gettext_noop

from catalog.models import AIModel, CanonicalModel, Pricing, SourceDisagreement, SourceValue
from catalog.sources.apply.policy import same
from catalog.sources.apply.resolve import (
    CANONICAL_COLUMNS,
    MAKER_ONLY,
    OFFER_COLUMNS,
    baseline_of,
    current_value,
    editor_value,
)
from catalog.sources.history import sources_dated_by_history
from catalog.sources.records import OFFER_FIELDS

# The note of a deprecation day that is only a bound: the first day a source's release marked it.
UPPER_BOUND = gettext_noop("on or before: the day a source's release first marked it deprecated")
# The prices a model page shows.
PRICE_COMPONENTS = ("input_per_million", "output_per_million", "image_per_unit", "audio_per_minute")


@dataclass(frozen=True)
class SourceSays:
    source: str
    value: Any
    checked_at: datetime | None = None


@dataclass(frozen=True)
class Provenance:
    value: Any
    editor: bool  # set by an editor (or an editor's decision on a disagreement)
    agree: tuple[SourceSays, ...] = ()
    differ: tuple[SourceSays, ...] = ()
    checked_at: datetime | None = None  # the newest confirmation by an agreeing source
    note: str = ""  # how the value was chosen, or how a price's start was found

    @property
    def sources(self) -> list[str]:
        return [says.source for says in self.agree]

    @property
    def upper_bound(self) -> bool:
        """The value is the latest day it can be, not the day itself."""
        return self.note == UPPER_BOUND

    def as_dict(self) -> dict:
        return {
            "value": _plain(self.value),
            "set_by_editor": self.editor,
            "agree": [says.source for says in self.agree],
            "differ": [{"source": says.source, "value": _plain(says.value)} for says in self.differ],
            "checked_at": self.checked_at.isoformat() if self.checked_at else None,
            "note": self.note,
        }


@dataclass
class ModelProvenance:
    facts: dict[str, Provenance] = field(default_factory=dict)  # canonical field -> provenance
    offers: dict[Any, dict[str, Provenance]] = field(default_factory=dict)  # offer id -> field -> provenance
    prices: dict[Any, dict[str, Provenance]] = field(default_factory=dict)  # pricing id -> component -> provenance


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def _explain(kind: str, shown: Any, said: list[tuple[str, Any, datetime | None]], editor: bool, note: str = ""):
    """Who agrees with the value shown and who says otherwise: one entry per source (and value)."""
    agree: dict[str, SourceSays] = {}
    differ: dict[tuple, SourceSays] = {}
    for source, value, checked in said:
        if same(kind, value, shown):
            if source not in agree or (checked and checked > (agree[source].checked_at or checked)):
                agree[source] = SourceSays(source, value, checked)
        else:
            differ.setdefault((source, str(value)), SourceSays(source, value, checked))
    latest = max((says.checked_at for says in agree.values() if says.checked_at), default=None)
    return Provenance(shown, editor, tuple(agree.values()), tuple(differ.values()), latest, note)


def _index(rows: Iterable[tuple]) -> dict:
    """target -> subject -> source key -> field -> (source, value, checked_at), from
    (target, subject, source, source key, field, value, checked_at) rows."""
    found: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(dict)))
    for target, subject, source, key, name, value, checked in rows:
        found[target][subject][(source, key)][name] = (source, value, checked)
    return found


def _values(targets: list) -> dict:
    rows = SourceValue.objects.filter(target_id__in=targets).order_by("source", "source_key")
    return _index(rows.values_list("target_id", "subject", "source", "source_key", "field", "value", "checked_at"))


def model_provenance(canonical: CanonicalModel | None, offers: list[AIModel], prices: list[Pricing]) -> ModelProvenance:
    """The provenance of a model page's facts (the canonical model's), each offer's fields and
    each price row's components. One query for the source values."""
    found = _values([offer.pk for offer in offers])
    rows = [*offers, *([canonical] if canonical else [])]
    decided = set(
        SourceDisagreement.objects.filter(status="resolved", target_id__in=[row.pk for row in rows]).values_list(
            "target_id", "field"
        )
    )
    witnesses = [offer.pk for offer in offers]
    own = [offer.pk for offer in offers if canonical is not None and offer.provider_id == canonical.maker_id]
    return _provenance(canonical, offers, prices, found, decided, witnesses, own)


def _provenance(
    canonical: CanonicalModel | None,
    offers: list[AIModel],
    prices: list[Pricing],
    found: dict,
    decided: set,
    witnesses: list,
    own: list,
) -> ModelProvenance:
    """`witnesses`: the ids of the canonical model's offers whose values speak to its facts,
    `own`: those of them its maker sells."""
    result = ModelProvenance()
    for offer in offers:
        said = {column: _said(found[offer.pk], column) for column in OFFER_COLUMNS}
        result.offers[offer.pk] = {column: _fact(offer, column, said[column], decided) for column in OFFER_COLUMNS}
    if canonical is not None:
        # The maker's own listings decide a model's facts (docs/data.md), so they are its witnesses;
        # resellers' when the maker lists none, except for its deprecation and retirement.
        for column in CANONICAL_COLUMNS:
            said = [s for pk in own for s in _said(found[pk], column)]
            if column not in MAKER_ONLY:
                said = said or [s for pk in witnesses for s in _said(found[pk], column)]
            result.facts[column] = _fact(canonical, column, said, decided)
    today = timezone.localdate()
    for row in prices:
        result.prices[row.pk] = {
            component: _price(row, component, found[row.model_id].get("price", {}), today)
            for component in PRICE_COMPONENTS
        }
    return result


# -- many models at once: what model_provenance queries, loaded with each model row -------------


VALUE_COLUMNS = ("target_id", "subject", "source", "source_key", "field", "value", "checked_at")


def provenance_annotations() -> dict[str, ArraySubquery]:
    """Annotations for an AIModel query (with `canonical_model` selected) that load, in the same
    query, what models_provenance() needs of each row: the current source values of the model and
    of its canonical model's other offers, which of those offers its maker sells, and the fields
    decided in the review queue. In the row's query rather than two more: a model's API detail
    stays at five queries, and a list page's sources cost one query for any number of rows."""
    # The model and its canonical model's other offers: the targets of the values read.
    targets = AIModel.objects.filter(
        Q(pk=OuterRef(OuterRef("pk"))) | Q(canonical_model_id=OuterRef(OuterRef("canonical_model_id")))
    ).values("pk")
    # uses index: idx_source_values_target
    values = (
        SourceValue.objects.filter(target_id__in=targets)
        .filter(Q(target_id=OuterRef("pk")) | Q(subject="offer", field__in=CANONICAL_COLUMNS))
        .order_by("source", "source_key")
        .values(row=JSONObject(**{name: name for name in VALUE_COLUMNS}))
    )
    # uses index: idx_models_canonical
    makers = AIModel.objects.filter(
        canonical_model_id=OuterRef("canonical_model_id"), provider_id=OuterRef("canonical_model__maker_id")
    ).values("pk")
    decided = (
        SourceDisagreement.objects.filter(
            Q(target_id=OuterRef("pk")) | Q(target_id=OuterRef("canonical_model_id")), status="resolved"
        )
        .order_by()
        .values(row=JSONObject(target_id="target_id", field="field"))
    )
    return {
        "provenance_values": ArraySubquery(values),
        "provenance_makers": ArraySubquery(makers),
        "provenance_decided": ArraySubquery(decided),
    }


def models_provenance(models: Iterable[AIModel], prices: Iterable[Pricing]) -> dict[Any, ModelProvenance]:
    """model_provenance() of each model (loaded with provenance_annotations()) as the one offer
    shown: its fields, its canonical model's facts and its rows among `prices`. No query."""
    by_model = defaultdict(list)
    for row in prices:
        by_model[row.model_id].append(row)
    result = {}
    for model in models:
        found = _index(
            (
                UUID(value["target_id"]),
                value["subject"],
                value["source"],
                value["source_key"],
                value["field"],
                value["value"],
                datetime.fromisoformat(value["checked_at"]),
            )
            for value in model.provenance_values
        )
        decided = {(UUID(row["target_id"]), row["field"]) for row in model.provenance_decided}
        witnesses = [target for target, subjects in found.items() if "offer" in subjects]
        result[model.pk] = _provenance(
            model.canonical_model, [model], by_model[model.pk], found, decided, witnesses, model.provenance_makers
        )
    return result


def _said(values: dict, column: str) -> list[tuple[str, Any, datetime | None]]:
    return [fields[column] for (_source, _key), fields in values.get("offer", {}).items() if column in fields]


def _fact(row, column: str, said: list, decided: set) -> Provenance:
    shown = current_value(row, column)
    editor = editor_value(row, column, baseline_of(row)) is not None or (row.pk, column) in decided
    found = _explain(OFFER_FIELDS[column], shown, said, editor)
    if column == "deprecated_at" and found.agree and set(found.sources) <= sources_dated_by_history():
        # Those sources date no deprecation themselves: their releases' history does (catalog.sources.history).
        return replace(found, note=UPPER_BOUND)
    return found


def _in_force(fields: dict, today: date) -> bool:
    start = fields.get("effective_from", (None, None, None))[1]
    end = fields.get("effective_to", (None, None, None))[1]
    return (start is None or date.fromisoformat(start) <= today) and (end is None or date.fromisoformat(end) >= today)


def _price(row: Pricing, component: str, periods: dict, today: date) -> Provenance:
    shown = getattr(row, component)
    said = []
    for (_source, _key), fields in periods.items():
        matches = (
            fields.get("tier", (0, "standard", 0))[1] == row.tier
            and fields.get("region", (0, None, 0))[1] == row.region
            and fields.get("currency", (0, "USD", 0))[1] == row.currency
        )
        if matches and component in fields and _in_force(fields, today):
            said.append(fields[component])
    editor = "source" not in row.metadata
    # English in the API; pages translate them (marked here for makemessages).
    note = {
        "release_date": gettext_noop("starts on the model's release"),
        "first_listed": gettext_noop("starts when a source first listed it"),
    }
    return _explain("money", shown, said, editor, note.get(row.metadata.get("start_basis"), ""))
