"""Helpers of the import tests: the package's data as a newer version would change it, and
what the database holds after an import."""

import copy
import io

from django.core.management import call_command
from genai_prices.data import providers as PACKAGE

from catalog.models import AIModel, Pricing, Provider


def package_provider(provider_id: str):
    """A deep copy of one package provider, to change as a newer package version would."""
    return copy.deepcopy(next(provider for provider in PACKAGE if provider.id == provider_id))


def package_model(provider, model_id: str):
    return next(model for model in provider.models if model.id == model_id)


def prices_of(slug: str, tier: str = "standard", region: str | None = None) -> list[tuple]:
    return list(
        Pricing.objects.filter(model__slug=slug, tier=tier, region=region)
        .order_by("effective_from")
        .values_list("effective_from", "effective_to", "input_per_million", "output_per_million")
    )


def catalog_snapshot() -> list:
    return [
        sorted(Provider.objects.values_list("id", "name", "metadata", "updated_at")),
        sorted(AIModel.objects.values_list("id", "slug", "name", "context_window", "metadata", "updated_at")),
        sorted(
            Pricing.objects.values_list(
                "id", "tier", "input_per_million", "output_per_million", "effective_from", "effective_to", "metadata"
            )
        ),
    ]


def import_command(*args) -> str:
    out = io.StringIO()
    call_command("import_catalog", *args, stdout=out)
    return out.getvalue()
