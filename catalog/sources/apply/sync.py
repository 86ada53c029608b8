"""Applying the sources to the catalog (`manage.py import_sources`).

For each source, in one transaction: record what it states (observe.py), map its ids to catalog
rows and create the missing ones (mapping.py), and write its benchmark scores (scores.py). Then,
over all sources at once: resolve every offer's and canonical model's fields (resolve.py), write
genai-prices' price periods (sync_prices.py) and the other sources' for the offers genai-prices
does not price (offer_prices.py), and refresh the listings so pages show the result at once.

Imports running at once take turns on an advisory lock, one stage at a time; running it again
changes nothing ("Nothing changed.").
"""

import time
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from datetime import date

from django.db import connection, transaction
from django.db.models import F, Func, Min, TextField
from django.utils import timezone

from catalog.changes import actor_set, importer_actor
from catalog.listings import catalog_changes_batched
from catalog.models import AIModel, SourceImport, SourceValue
from catalog.sources import SOURCES, source_load
from catalog.sources.genai_prices import SOURCE as GENAI_PRICES
from catalog.sources.genai_prices import DesiredPrice, DesiredProvider, default_providers, desired_catalog
from catalog.sources.genai_prices.records import records_of
from catalog.sources.records import SourceData

from .disagreements import Decisions
from .grouping import canonicals_consolidate
from .mapping import Mapped, catalog_map
from .observe import flatten, observations_record, offer_key
from .offer_prices import offer_prices_write
from .price_review import price_decisions_release, prices_review
from .report import SourceLine, SourcesReport, Tally
from .resolve import canonicals_resolve, offers_resolve, source_recency
from .scores import scores_write
from .sync_prices import prices_sync

# pg_advisory_xact_lock key: imports running at once take their stages in turn.
IMPORT_LOCK = 7_301_126


def _locked(actor: str) -> None:
    """Wait for this import's turn; the transaction's changes are `actor`'s (this run's)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])
    actor_set(actor)


def sources_import(
    *,
    names: Sequence[str] | None = None,
    today: date | None = None,
    dry_run: bool = False,
    progress: Callable[[str], None] | None = None,
    genai_providers=None,
) -> SourcesReport:
    """Import `names` (default: every source) and resolve the catalog. `genai_providers` stands in
    for the genai-prices package's data (tests pass a changed copy)."""
    started = time.monotonic()
    today = today or timezone.localdate()
    report = SourcesReport(dry_run=dry_run)
    actor = importer_actor()
    desired, genai_offers = None, Mapped()
    rollback = transaction.atomic() if dry_run else nullcontext()  # a dry run rolls back at the end
    with catalog_changes_batched() as changed, rollback:
        for name in names or SOURCES:
            if name == GENAI_PRICES:
                desired = desired_catalog(default_providers() if genai_providers is None else genai_providers)
                data = records_of(desired)
            else:
                data = source_load(name)
            line, mapped = _source_import(name, data, actor)
            report.sources.append(line)
            if name == GENAI_PRICES:
                genai_offers = mapped
            if progress:
                progress(str(line))
        with transaction.atomic():
            _locked(actor)
            report.canonical_merged = canonicals_consolidate()
            recency, decisions = source_recency(), Decisions()
            report.offers = offers_resolve(recency, decisions, today)
            report.canonical_models = canonicals_resolve(recency, decisions)
            price_decisions_release(today, recency)  # a decision no longer standing: the writers' again
            start_for = StartFor(today)
            if desired is not None:
                report.prices.add(_genai_prices_write(desired, genai_offers, today, report, start_for))
            report.prices.add(offer_prices_write(today=today, start_for=start_for))
            report.price_review = prices_review(today, recency)
        if dry_run:
            transaction.set_rollback(True)
        elif report.changed:
            changed.add("models")  # bulk writes send no signals
            with connection.cursor() as cursor:
                cursor.execute("SELECT analyze_catalog()")  # before the listings' refresh plans on it
    report.seconds = time.monotonic() - started
    return report


@transaction.atomic
def _source_import(name: str, data: SourceData, actor: str) -> tuple[SourceLine, Mapped]:
    _locked(actor)
    record = SourceImport.objects.create(source=name, version=data.info.version, snapshot_date=data.info.snapshot_date)
    mapped = catalog_map(name, data)
    targets = {("provider", key): row.pk for key, row in mapped.providers.items()}
    targets |= {("offer", key): row.pk for key, row in mapped.offers.items()}
    observed = observations_record(record, flatten(data), targets)
    scores = scores_write(name, data, mapped)
    line = SourceLine(name, data.info.version, observed, dict(mapped.created), scores)
    record.counts = line.counts()
    record.status, record.finished_at = "done", timezone.now()
    record.save(update_fields=["counts", "status", "finished_at"])
    return line, mapped


def _genai_prices_write(
    desired: list[DesiredProvider], mapped: Mapped, today: date, report: SourcesReport, start_for
) -> Tally:
    tally = Tally()
    for provider in desired:
        models = {
            model.source_key: mapped.offers[offer_key(provider.source_id, model.source_key.split(":", 1)[1])]
            for model in provider.models
        }
        tally.add(prices_sync(models, provider, today=today, report=report, start_for=start_for))
    return tally


class StartFor:
    """The first day of a price whose source does not date it, and why that day: the model's
    release ("release_date"), else the day a source first listed a price of it ("first_listed")."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.released = {
            pk: own or canonical
            for pk, own, canonical in AIModel.objects.values_list("pk", "released_at", "canonical_model__released_at")
        }
        listed = SourceValue.objects.filter(subject="price", field="currency").exclude(target_id=None)
        self.first_listed = {
            row["target_id"]: row["first"].date() for row in listed.values("target_id").annotate(first=Min("since"))
        }
        dated = SourceValue.objects.filter(subject="price", field="effective_from").exclude(target_id=None)
        text = Func(
            F("value"), template="(%(expressions)s #>> '{}')", output_field=TextField()
        )  # the JSON string's text
        for row in dated.values("target_id").annotate(first=Min(text)):
            day = date.fromisoformat(row["first"])
            self.first_listed[row["target_id"]] = min(day, self.first_listed.get(row["target_id"], day))

    def __call__(self, model: AIModel, price: DesiredPrice | None) -> tuple[date, str]:
        end = price.effective_to if price is not None else None
        released = self.released.get(model.pk)
        if released and (end is None or released <= end):
            return released, "release_date"
        # Never after the import's day: a source's `since` is the clock's day, `today` may be earlier.
        listed = min(self.first_listed.get(model.pk, self.today), self.today)
        return (min(listed, end) if end else listed), "first_listed"
