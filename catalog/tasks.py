from celery import shared_task

from catalog.changes.lifecycle import lifecycle_announce
from catalog.exports import export_build, exports_prune
from catalog.listings import listings_refresh_claimed
from catalog.sources.apply.sync import sources_import


@shared_task
def refresh_model_listings() -> float:
    return round(listings_refresh_claimed(), 3)


@shared_task
def import_sources() -> list[str]:
    """The daily import of every source: what `manage.py import_sources` prints, for the task's result."""
    report = sources_import()
    return [str(line) for line in report.sources] + report.summary()


@shared_task
def announce_lifecycle() -> int:
    """model.retiring and model.retired events as sunsets come (catalog.changes.lifecycle)."""
    return lifecycle_announce()


@shared_task
def export_catalog() -> dict[str, int]:
    """The daily export, and the old ones pruned."""
    manifest = export_build()
    return {"rows": sum(table["rows"] for table in manifest["tables"].values()), "pruned": exports_prune()}
