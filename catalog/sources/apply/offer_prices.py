"""Price periods of the offers genai-prices does not price, from the first source in PRICE_SOURCES
that prices them: model-prices (dated history, each price with the page it was read from), then
models.dev, then LLM Stats. One source writes an offer's prices, so its periods never overlap.

Each row names its source and key (metadata "source", "source_key"), so a re-import updates it in
place, closes what the source no longer lists, and leaves editors' rows alone.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction

from catalog.models import AIModel, Pricing, SourceValue

from .report import Tally

PRICE_SOURCES = ("model-prices", "models.dev", "llm-stats")
FOUR_PLACES = Decimal("0.0001")  # the pricing columns are DECIMAL(10,4)
COLUMNS = ("input_per_million", "output_per_million", "audio_per_minute", "image_per_unit", "video_per_minute")
DETAILS = ("time_of_day", "variant", "free", "converted", "above_input_tokens", "start_basis", "volume_discounts")


def _periods(targets: set) -> dict:
    """offer id -> source -> source key -> the period's fields, for sources in PRICE_SOURCES."""
    found: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(dict)))
    rows = SourceValue.objects.filter(subject="price", source__in=PRICE_SOURCES, target_id__in=targets)
    for target, source, key, name, value in rows.values_list("target_id", "source", "source_key", "field", "value"):
        found[target][source][key][name] = value
    return found


def offer_prices_write(*, today: date, start_for) -> Tally:
    tally = Tally()
    priced = set(Pricing.objects.filter(metadata__source="genai-prices").values_list("model_id", flat=True))
    targets = (
        set(
            SourceValue.objects.filter(subject="price", source__in=PRICE_SOURCES)
            .exclude(target_id=None)
            .values_list("target_id", flat=True)
        )
        - priced
    )
    periods = _periods(targets)
    ours = defaultdict(list)
    for row in Pricing.objects.filter(metadata__source__in=PRICE_SOURCES):
        ours[row.model_id].append(row)
    plans = []
    for model in AIModel.objects.filter(pk__in=targets | set(ours)).only("pk", "slug"):
        source = next((name for name in PRICE_SOURCES if name in periods.get(model.pk, {})), None)
        wanted = periods[model.pk][source] if source else {}
        plans.append(_offer_plan(model, source, wanted, ours.get(model.pk, []), today=today, start_for=start_for))
    try:
        with transaction.atomic():
            _Plan.merged(plans).save(tally)
    except IntegrityError:  # some offer's prices would overlap an editor's: save offer by offer
        tally = Tally()
        for plan in plans:
            try:
                with transaction.atomic():
                    plan.save(tally)
            except IntegrityError:
                tally.skipped += 1  # the editor's price stays
    return tally


@dataclass
class _Plan:
    creates: list[Pricing] = field(default_factory=list)
    updates: list[Pricing] = field(default_factory=list)
    deletes: list[Pricing] = field(default_factory=list)
    unchanged: int = 0

    @classmethod
    def merged(cls, plans: list["_Plan"]) -> "_Plan":
        return cls(
            creates=[row for plan in plans for row in plan.creates],
            updates=[row for plan in plans for row in plan.updates],
            deletes=[row for plan in plans for row in plan.deletes],
            unchanged=sum(plan.unchanged for plan in plans),
        )

    def save(self, tally: Tally) -> None:
        Pricing.objects.filter(pk__in=[row.pk for row in self.deletes]).delete()
        for row in self.updates:  # ends that moved earlier are among them: saved before the creates
            row.save()
        Pricing.objects.bulk_create(self.creates, batch_size=1000)
        tally.created += len(self.creates)
        tally.updated += len(self.updates)
        tally.withdrawn += len(self.deletes)
        tally.unchanged += self.unchanged


def _offer_plan(model, source, wanted: dict, rows: list[Pricing], *, today, start_for) -> _Plan:
    plan = _Plan()
    existing = {(row.metadata.get("source"), row.metadata.get("source_key")): row for row in rows}
    for key, fields in sorted(wanted.items(), key=lambda item: item[1].get("effective_from") or ""):
        row = existing.pop((source, key), None)
        values = _values(fields)
        metadata = values.pop("metadata")
        if row is not None:  # an editor's decision on a component stands (price_review.py releases it)
            values = {name: value for name, value in values.items() if name not in row.metadata.get("decided", {})}
        if row is None:
            start, basis = _start(model, fields, start_for)
            metadata = {"source": source, "source_key": key, **metadata, "start_basis": basis}
            plan.creates.append(Pricing(model=model, effective_from=start, metadata=metadata, **values))
        elif any(getattr(row, name) != value for name, value in values.items()) or any(
            row.metadata.get(name) != value for name, value in metadata.items()
        ):
            row.metadata = {**row.metadata, **metadata}
            for name, value in values.items():
                setattr(row, name, value)
            plan.updates.append(row)
        else:
            plan.unchanged += 1
    for row in existing.values():  # no longer listed (or another source prices the offer now)
        if row.effective_from >= today:
            plan.deletes.append(row)
        elif row.effective_to is None or row.effective_to >= today:
            row.effective_to = today - timedelta(days=1)
            plan.updates.insert(0, row)
    return plan


def _column(value: Decimal) -> Decimal:
    return value.quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)


def _start(model: AIModel, fields: dict, start_for) -> tuple[date, str]:
    if fields.get("effective_from"):
        return date.fromisoformat(fields["effective_from"]), (fields.get("details") or {}).get("start_basis", "source")
    return start_for(model, None)


def _values(fields: dict) -> dict:
    details = fields.get("details") or {}
    others = {
        name: value
        for name, value in fields.items()
        if name.endswith(("_per_million", "_per_unit", "_per_minute")) and name not in COLUMNS
    }
    metadata = {name: details[name] for name in DETAILS if name in details}
    if others:
        metadata["prices"] = others
    columns = {name: Decimal(fields[name]) if name in fields else None for name in COLUMNS}
    exact = {name: fields[name] for name, value in columns.items() if value is not None and _column(value) != value}
    if exact:  # the columns hold four places: the exact figure stays beside them
        metadata["exact_prices"] = exact
    if fields.get("source_url"):
        metadata["source_url"] = fields["source_url"]
    return {
        "tier": fields.get("tier", "standard"),
        "region": fields.get("region"),
        "currency": fields.get("currency", "USD"),
        "effective_to": date.fromisoformat(fields["effective_to"]) if fields.get("effective_to") else None,
        "volume_discounts": details.get("volume_discounts", []),
        **{name: None if value is None else _column(value) for name, value in columns.items()},
        "metadata": metadata,
    }
