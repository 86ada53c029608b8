"""Applying the genai-prices package to the catalog (`manage.py import_catalog`): compare the
desired rows from catalog.sources.genai_prices with the database and write only differences.

One transaction per provider: the provider here, its models in sync_models.py, its prices in
sync_prices.py; merge.py keeps editors' changes, report.py counts what was done.
"""

import time
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from datetime import date

from django.db import connection, transaction
from django.utils import timezone
from genai_prices.types import Provider as PackageProvider

from catalog.listings import catalog_changed
from catalog.models import Provider
from catalog.sources.genai_prices import SOURCE, DesiredProvider, default_providers, desired_catalog, source_version

from .merge import merge_fields
from .report import ImportReport, Tally
from .sync_models import models_sync
from .sync_prices import prices_sync

# pg_advisory_xact_lock key: imports running at once take turns per provider, so the same
# slug is never handed out twice.
IMPORT_LOCK = 7_301_126


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
    models, model_tally = models_sync(provider, desired, today=today, report=report)
    price_tally = prices_sync(models, desired, today=today, report=report)
    if provider_tally.changed or model_tally.changed or price_tally.changed:
        # Bulk writes send no post_save: refresh the listings and API cache once per provider.
        catalog_changed("models")
    report.providers.add(provider_tally)
    report.models.add(model_tally)
    report.prices.add(price_tally)
    prices = sum(len(model.prices) for model in desired.models)
    return f"{desired.source_id}: {len(desired.models)} models ({model_tally}), {prices} prices ({price_tally})"


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
