"""Applying the genai-prices package to the catalog (`manage.py import_catalog`): compare the
desired rows from catalog.importers.genai_prices with the database and write only differences."""

import copy
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone
from genai_prices.types import Provider as PackageProvider

from catalog.importers.genai_prices import (
    SOURCE,
    DesiredModel,
    DesiredPrice,
    DesiredProvider,
    decimal_text,
    default_providers,
    desired_catalog,
    slug_candidates,
    source_version,
)
from catalog.listings import catalog_changed
from catalog.models import AIModel, Pricing, Provider

# pg_advisory_xact_lock key: imports running at once take turns per provider, so the same
# slug is never handed out twice.
IMPORT_LOCK = 7_301_126
LIST_FIELDS = ("modalities", "capabilities")
PRICE_COLUMNS = ("input_per_million", "output_per_million", "audio_per_minute")
# The keys of a price's metadata that hold prices; the rest is bookkeeping.
DETAIL_KEYS = ("prices", "exact_prices", "time_of_day", "variant", "free")
# Model metadata the import sets only when it applies.
MODEL_OPTIONAL_KEYS = ("price_comments", "missing_from_source")


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_edits: int = 0  # not written: an editor changed an imported field since the last import
    withdrawn: int = 0  # prices deleted before they took effect: the package no longer has them
    skipped: int = 0  # prices not imported: they overlap an editor's price
    kept_history: int = 0  # prices not imported: they overlap closed imported history

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.withdrawn)

    def add(self, other: "Tally") -> None:
        for name in (f.name for f in fields(self)):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def __str__(self) -> str:
        parts = [f"{self.created} created", f"{self.updated} updated", f"{self.unchanged} unchanged"]
        if self.kept_edits:
            parts.append(f"{self.kept_edits} kept editor edits")
        if self.withdrawn:
            parts.append(f"{self.withdrawn} withdrawn")
        if self.skipped:
            parts.append(f"{self.skipped} skipped: conflicts with an editor's price")
        if self.kept_history:
            parts.append(f"{self.kept_history} kept imported history")
        return ", ".join(parts)


@dataclass
class ImportReport:
    source_version: str
    dry_run: bool = False
    providers: Tally = field(default_factory=Tally)
    models: Tally = field(default_factory=Tally)
    prices: Tally = field(default_factory=Tally)
    missing_models: int = 0
    exact_prices: int = 0
    conflicts: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return self.providers.changed or self.models.changed or self.prices.changed

    def summary(self) -> list[str]:
        lines = [
            f"genai-prices {self.source_version} in {self.seconds:.1f}s. Providers: {self.providers}. "
            f"Models: {self.models}. Prices: {self.prices}."
        ]
        if self.missing_models:
            lines.append(f"{self.missing_models} models are no longer in genai-prices (metadata.missing_from_source).")
        if self.exact_prices:
            lines.append(
                f"{self.exact_prices} prices have more than 4 decimals: rounded in their column, "
                "exact in metadata.exact_prices."
            )
        lines += [f"Skipped {conflict}" for conflict in self.conflicts]
        lines.append("Nothing changed." if not self.changed else "Catalog updated.")
        if self.dry_run:
            lines.append("Dry run: rolled back, nothing was saved.")
        return lines


def catalog_import_genai_prices(
    *,
    providers: Sequence[PackageProvider] | None = None,
    today: date | None = None,
    dry_run: bool = False,
    progress: Callable[[str], None] | None = None,
) -> ImportReport:
    """Create or update providers, models and price periods from genai-prices.

    Rows are matched by their source ids, never by slug; editors' changes to imported fields
    and their own prices are left alone; price periods are closed, never deleted (except one
    the package withdrew before it took effect). Running it twice changes nothing.
    """
    started = time.monotonic()
    today = today or timezone.localdate()
    report = ImportReport(source_version=source_version(), dry_run=dry_run)
    desired = desired_catalog(default_providers() if providers is None else providers)
    # One transaction per provider, so a failure keeps whole providers; a dry run nests them
    # in one that is rolled back.
    with transaction.atomic() if dry_run else nullcontext():
        for index, provider in enumerate(desired, 1):
            line = _provider_sync(provider, today=today, report=report)
            if progress:
                progress(f"[{index}/{len(desired)}] {line}")
        if dry_run:
            transaction.set_rollback(True)
    report.seconds = time.monotonic() - started
    return report


@transaction.atomic
def _provider_sync(desired: DesiredProvider, *, today: date, report: ImportReport) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])
    provider_tally = Tally()
    provider = _provider_upsert(desired, provider_tally)
    models, model_tally = _models_sync(provider, desired, today=today, report=report)
    price_tally = _prices_sync(models, desired, today=today, report=report)
    if provider_tally.changed or model_tally.changed or price_tally.changed:
        # Bulk writes send no post_save: refresh the listings and API cache once per provider.
        catalog_changed("models")
    report.providers.add(provider_tally)
    report.models.add(model_tally)
    report.prices.add(price_tally)
    prices = sum(len(model.prices) for model in desired.models)
    return f"{desired.source_id}: {len(desired.models)} models ({model_tally}), {prices} prices ({price_tally})"


def merge_fields(current: dict, imported: dict, desired: dict) -> tuple[dict, dict, bool]:
    """(fields to write, new metadata["imported"], whether an editor's change was kept).

    A field whose value still equals the last imported one follows the package; any other
    value is an editor's and stays. List fields merge: the package's additions and removals
    apply, the editor's stay.
    """
    writes, baseline, kept = {}, dict(imported), False
    for name, new in desired.items():
        now = current[name]
        if name in LIST_FIELDS and name in imported:
            old = imported[name]
            merged = [item for item in now if item in new or item not in old]
            merged += [item for item in new if item not in old and item not in merged]
            kept |= set(now) != set(old)
            if merged != now:
                writes[name] = merged
            baseline[name] = new
        elif name in imported and imported[name] == now:
            if new != now:
                writes[name] = new
            baseline[name] = new
        elif now == new:
            baseline[name] = new  # the editor's value and the package agree again
        else:
            kept = True
            baseline.setdefault(name, new)  # an adopted row: its value counts as an editor's
    return writes, baseline, kept


def _provider_upsert(desired: DesiredProvider, tally: Tally) -> Provider:
    provider = (
        Provider.objects.filter(metadata__source=SOURCE, metadata__source_id=desired.source_id).first()
        # a provider an editor created under the same slug is adopted, not duplicated
        or Provider.objects.filter(slug=desired.slug).first()
    )
    if provider is None:
        tally.created += 1
        metadata = {**desired.metadata, "imported": {"name": desired.name}}
        return Provider.objects.create(slug=desired.slug, name=desired.name, metadata=metadata)
    writes, imported, kept = merge_fields(
        {"name": provider.name}, provider.metadata.get("imported", {}), {"name": desired.name}
    )
    metadata = {key: value for key, value in provider.metadata.items() if key not in ("description", "price_comments")}
    metadata.update(desired.metadata, imported=imported)
    if not writes and metadata == provider.metadata:
        tally.kept_edits += kept
        tally.unchanged += not kept
        return provider
    provider.name = writes.get("name", provider.name)
    provider.metadata = metadata
    provider.save(update_fields=["name", "metadata"])
    tally.updated += 1
    return provider


def _models_sync(
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


# Prices


def _text(value: Decimal | None) -> str | None:
    return None if value is None else decimal_text(value)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _price_target(price: DesiredPrice) -> dict:
    return {
        **{column: _text(getattr(price, column)) for column in PRICE_COLUMNS},
        "volume_discounts": price.volume_discounts,
        "effective_to": _iso(price.effective_to),
        "details": price.details,
    }


def _price_current(row: Pricing) -> dict:
    return {
        **{column: _text(getattr(row, column)) for column in PRICE_COLUMNS},
        "volume_discounts": row.volume_discounts,
        "effective_to": _iso(row.effective_to),
        "details": {key: row.metadata[key] for key in DETAIL_KEYS if key in row.metadata},
    }


def _price_set(row: Pricing, values: dict, baseline: dict) -> None:
    for column in PRICE_COLUMNS:
        if column in values:
            setattr(row, column, None if values[column] is None else Decimal(values[column]))
    if "volume_discounts" in values:
        row.volume_discounts = values["volume_discounts"]
    if "effective_to" in values:
        row.effective_to = date.fromisoformat(values["effective_to"]) if values["effective_to"] else None
    metadata = row.metadata
    if "details" in values:
        metadata = {key: value for key, value in metadata.items() if key not in DETAIL_KEYS} | values["details"]
    row.metadata = {**metadata, "imported": baseline}


def _price_new(model: AIModel, price: DesiredPrice, *, start: date, values: dict, baseline: dict) -> Pricing:
    metadata = {"source": SOURCE}
    if start != price.effective_from:
        # Started on the import day: the package changed the price without dating the change.
        metadata["source_from"] = price.effective_from.isoformat()
    if start != price.effective_from or not price.start_known:
        metadata["start_known"] = False
    row = Pricing(
        model=model,
        tier=price.tier,
        region=price.region,
        currency=price.currency,
        effective_from=start,
        metadata=metadata,
    )
    _price_set(row, values, baseline)
    return row


def _overlaps(a: Pricing, b: Pricing) -> bool:
    return (b.effective_to is None or a.effective_from <= b.effective_to) and (
        a.effective_to is None or b.effective_from <= a.effective_to
    )


def _price_state(row: Pricing) -> dict:
    return {
        **{column: getattr(row, column) for column in PRICE_COLUMNS},
        "volume_discounts": row.volume_discounts,
        "effective_to": row.effective_to,
        "metadata": row.metadata,
    }


@dataclass
class _PricePlan:
    creates: list[Pricing] = field(default_factory=list)
    updates: dict[Pricing, dict] = field(default_factory=dict)  # row -> its _price_state() before
    deletes: list[Pricing] = field(default_factory=list)

    def update(self, row: Pricing, values: dict, baseline: dict) -> None:
        self.updates.setdefault(row, copy.deepcopy(_price_state(row)))
        _price_set(row, values, baseline)

    def keep_end(self, row: Pricing) -> bool:
        """Undo a planned later end; True when nothing is left to write to the row."""
        row.effective_to = self._before(row)
        row.metadata["imported"]["effective_to"] = _iso(row.effective_to)
        if _price_state(row) != self.updates[row]:
            return False
        del self.updates[row]
        return True

    def grew(self, row: Pricing) -> bool:
        before = self._before(row)
        return before is not None and (row.effective_to is None or row.effective_to > before)

    def save(self) -> None:
        Pricing.objects.filter(pk__in=[row.pk for row in self.deletes]).delete()
        # Periods that now end earlier first, so the exclusion constraint never sees two prices
        # for one day in between.
        for row in sorted(self.updates, key=lambda row: not self._shrunk(row)):
            row.save(update_fields=[*PRICE_COLUMNS, "volume_discounts", "effective_to", "metadata"])
        Pricing.objects.bulk_create(self.creates, batch_size=1000)

    def _before(self, row: Pricing) -> date | None:
        return self.updates[row]["effective_to"] if row in self.updates else row.effective_to

    def _shrunk(self, row: Pricing) -> bool:
        before = self._before(row)
        return row.effective_to is not None and (before is None or row.effective_to < before)


def _prices_sync(models: dict[str, AIModel], desired: DesiredProvider, *, today: date, report: ImportReport) -> Tally:
    tally, plan = Tally(), _PricePlan()
    rows = defaultdict(list)
    for row in Pricing.objects.filter(model__in=list(models.values())):
        rows[(row.model_id, row.tier, row.region, row.currency)].append(row)
    for wanted in desired.models:
        model = models[wanted.source_key]
        series = defaultdict(list)
        for price in wanted.prices:
            series[(price.tier, price.region, price.currency)].append(price)
            report.exact_prices += price.exact_count
        for (tier, region, currency), prices in series.items():
            existing = rows.pop((model.pk, tier, region, currency), [])
            _series_plan(model, prices, existing, today=today, tally=tally, plan=plan, report=report)
    for existing in rows.values():  # a tier the package dropped
        _series_plan(None, [], existing, today=today, tally=tally, plan=plan, report=report)
    plan.save()
    return tally


def _series_plan(
    model: AIModel | None,
    prices: list[DesiredPrice],
    rows: list[Pricing],
    *,
    today: date,
    tally: Tally,
    plan: _PricePlan,
    report: ImportReport,
) -> None:
    """Plan the writes for one model, tier, region and currency.

    Imported rows are matched by the package's start date of their period (metadata.source_from
    when the row starts later: on an import day, or after history it could not overwrite); the
    latest row of a period is its current one, earlier ones are history and never touched.
    """
    yesterday = today - timedelta(days=1)
    periods = defaultdict(list)
    for row in sorted(rows, key=lambda row: row.effective_from):
        if row.metadata.get("source") == SOURCE:
            periods[row.metadata.get("source_from", row.effective_from.isoformat())].append(row)
    created = []
    for price in prices:
        target = _price_target(price)
        history = periods.pop(price.effective_from.isoformat(), None)
        if history is None:
            created.append(_price_new(model, price, start=price.effective_from, values=target, baseline=target))
            continue
        row = history[-1]
        if target["effective_to"] and target["effective_to"] < row.effective_from.isoformat():
            # A row started on an import day, and the package now ends its period earlier.
            target["effective_to"] = row.effective_from.isoformat()
        imported = row.metadata.get("imported", {})
        writes, baseline, kept = merge_fields(_price_current(row), imported, target)
        if not writes and baseline == imported:
            tally.kept_edits += kept
            tally.unchanged += not kept
            continue
        tally.updated += 1
        in_force = row.effective_from < today and (row.effective_to is None or row.effective_to >= today)
        still = price.effective_to is None or price.effective_to >= today
        if writes.keys() - {"effective_to"} and in_force and still:
            # A price in force changed without a date: it ends yesterday, the new one starts today.
            values = {**_price_current(row), **writes}
            created.append(_price_new(model, price, start=today, values=values, baseline=baseline))
            closed = {"effective_to": yesterday.isoformat()}
            plan.update(row, closed, {**imported, **closed})
        else:
            plan.update(row, writes, baseline)
    for history in periods.values():  # periods the package no longer has
        row = history[-1]
        if row.effective_from >= today:
            plan.deletes.append(row)
            tally.withdrawn += 1
        elif row.effective_to is None or row.effective_to >= today:
            closed = {"effective_to": yesterday.isoformat()}
            plan.update(row, closed, {**row.metadata.get("imported", {}), **closed})
            tally.updated += 1
    _settle(rows, created, plan=plan, tally=tally, report=report)
    tally.created += len(created)
    plan.creates += created


def _settle(
    rows: list[Pricing], created: list[Pricing], *, plan: _PricePlan, tally: Tally, report: ImportReport
) -> None:
    """Check new and lengthened periods against the rows that stay as they are (the database
    would refuse an overlap). One that overlaps an editor's price is not written; one that
    overlaps imported history, which is never rewritten, resumes the day after it."""
    settled = [row for row in rows if row not in plan.deletes and not plan.grew(row)]
    for row in sorted([*created, *(row for row in rows if plan.grew(row))], key=lambda row: row.effective_from):
        blocking = [other for other in settled if _overlaps(row, other)]
        if not blocking:
            settled.append(row)
            continue
        where = f"{row.model.slug} {row.tier}{f' {row.region}' if row.region else ''} from {row.effective_from}"
        end = row.effective_to
        if row in created:
            created.remove(row)
        else:
            if plan.keep_end(row):
                tally.updated -= 1
            settled.append(row)
        if any(other.metadata.get("source") != SOURCE for other in blocking):
            tally.skipped += 1
            report.conflicts.append(f"{where}: conflicts with an editor's price.")
            continue
        tally.kept_history += 1
        report.conflicts.append(f"{where}: overlaps imported history, which is kept.")
        if any(other.effective_to is None for other in blocking):
            continue
        start = max(other.effective_to for other in blocking) + timedelta(days=1)
        rest = _resumed(row, start, end)
        if (end is None or start <= end) and not any(_overlaps(rest, other) for other in settled):
            created.append(rest)
            settled.append(rest)


def _resumed(row: Pricing, start: date, end: date | None) -> Pricing:
    """The rest of a period, from `start`, matched to the package's period on the next import."""
    metadata = {
        **row.metadata,
        "source_from": row.metadata.get("source_from", row.effective_from.isoformat()),
        "start_known": False,
        "imported": {**row.metadata["imported"], "effective_to": _iso(end)},
    }
    return Pricing(
        model_id=row.model_id,
        tier=row.tier,
        region=row.region,
        currency=row.currency,
        effective_from=start,
        effective_to=end,
        volume_discounts=row.volume_discounts,
        metadata=metadata,
        **{column: getattr(row, column) for column in PRICE_COLUMNS},
    )
