"""Every catalog write, from the admin, the API or a command, invalidates what it affects."""

from django.db.models.signals import post_delete, post_save

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
