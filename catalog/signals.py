"""Every catalog write, from the admin, the API or a command, invalidates what it affects."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from aigo.api.cache import response_cache
from catalog.currency import rates_changed
from catalog.listings import catalog_changed
from catalog.models import (
    AIModel,
    BenchmarkScore,
    BenchmarkSuite,
    CanonicalModel,
    Documentation,
    ExchangeRate,
    ModelEndpoint,
    Pricing,
    Provider,
    SourceDisagreement,
    SourceImport,
)

KINDS = {
    Provider: "models",
    AIModel: "models",
    CanonicalModel: "models",
    ModelEndpoint: "models",
    Pricing: "models",
    Documentation: "models",
    BenchmarkSuite: "benchmarks",
    BenchmarkScore: "benchmarks",
}


def _changed(sender, **kwargs) -> None:
    catalog_changed(KINDS[sender])


for model in KINDS:
    post_save.connect(_changed, sender=model, dispatch_uid=f"catalog-changed-save-{model.__name__}")
    post_delete.connect(_changed, sender=model, dispatch_uid=f"catalog-changed-delete-{model.__name__}")


def _rates_changed(sender, **kwargs) -> None:
    rates_changed()


post_save.connect(_rates_changed, sender=ExchangeRate, dispatch_uid="exchange-rates-changed-save")
post_delete.connect(_rates_changed, sender=ExchangeRate, dispatch_uid="exchange-rates-changed-delete")


def _sources_changed(sender, **kwargs) -> None:
    # An import finished (its time and status show on the data pages even when it changed nothing)
    # or an editor decided a disagreement: only the pages about the sources change.
    transaction.on_commit(lambda: response_cache.invalidate("sources"))


for model in (SourceImport, SourceDisagreement):
    post_save.connect(_sources_changed, sender=model, dispatch_uid=f"sources-changed-save-{model.__name__}")
    post_delete.connect(_sources_changed, sender=model, dispatch_uid=f"sources-changed-delete-{model.__name__}")
