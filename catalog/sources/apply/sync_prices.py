"""Writing a provider's price periods: each model, tier, region and currency series is planned against
its rows, checked against the rows that stay, and saved in an order the exclusion constraint accepts."""

import copy
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from catalog.models import AIModel, Pricing
from catalog.sources.genai_prices import SOURCE, UNKNOWN_START, DesiredPrice, DesiredProvider, decimal_text

from .merge import merge_fields
from .report import SourcesReport, Tally

PRICE_COLUMNS = ("input_per_million", "output_per_million", "audio_per_minute")
# The keys of a price's metadata that hold prices; the rest is bookkeeping.
DETAIL_KEYS = ("prices", "exact_prices", "time_of_day", "variant", "free", "converted")


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


# The start of a period the package does not date: (day, basis), basis "release_date" or "first_listed".
StartFor = Callable[[AIModel, DesiredPrice], tuple[date, str]]


def _price_new(
    model: AIModel, price: DesiredPrice, *, start: date, values: dict, baseline: dict, basis: str | None = None
) -> Pricing:
    metadata = {"source": SOURCE}
    if basis:
        metadata["start_basis"] = basis
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
            row.save(update_fields=[*PRICE_COLUMNS, "volume_discounts", "effective_from", "effective_to", "metadata"])
        Pricing.objects.bulk_create(self.creates, batch_size=1000)

    def _before(self, row: Pricing) -> date | None:
        return self.updates[row]["effective_to"] if row in self.updates else row.effective_to

    def _shrunk(self, row: Pricing) -> bool:
        before = self._before(row)
        return row.effective_to is not None and (before is None or row.effective_to < before)


def prices_sync(
    models: dict[str, AIModel], desired: DesiredProvider, *, today: date, report: SourcesReport, start_for: StartFor
) -> Tally:
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
            _series_plan(
                model, prices, existing, today=today, tally=tally, plan=plan, report=report, start_for=start_for
            )
    for existing in rows.values():  # a tier the package dropped
        _series_plan(None, [], existing, today=today, tally=tally, plan=plan, report=report, start_for=start_for)
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
    report: SourcesReport,
    start_for: StartFor,
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
            start, basis = (price.effective_from, None) if price.start_known else start_for(model, price)
            created.append(_price_new(model, price, start=start, values=target, baseline=target, basis=basis))
            continue
        row = history[-1]
        if row.effective_from == UNKNOWN_START and len(history) == 1:
            # A start an earlier import invented: the model's release, or the day it was first listed.
            start, basis = start_for(model, price)
            if row.effective_to is None or start <= row.effective_to:
                plan.update(row, {}, row.metadata.get("imported", {}))
                row.effective_from = start
                row.metadata = {**row.metadata, "start_basis": basis, "source_from": UNKNOWN_START.isoformat()}
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
    rows: list[Pricing], created: list[Pricing], *, plan: _PricePlan, tally: Tally, report: SourcesReport
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
