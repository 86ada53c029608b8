"""Helpers of the import tests: the genai-prices package's data as a newer version would change it,
an import of it, and what the database holds after an import."""

import copy
import io

from django.core.management import call_command
from genai_prices.data import providers as PACKAGE

from catalog.models import AIModel, Pricing, Provider
from catalog.sources.apply.sync import sources_import


def package_provider(provider_id: str):
    """A deep copy of one package provider, to change as a newer package version would."""
    return copy.deepcopy(next(provider for provider in PACKAGE if provider.id == provider_id))


def package_with(*changed) -> list:
    """The whole package as a newer version would be: its providers, `changed` in place of theirs."""
    replaced = {provider.id: provider for provider in changed}
    return [replaced.get(provider.id, provider) for provider in PACKAGE]


def genai_import(*changed, today, dry_run: bool = False):
    """Import genai-prices alone, as the package would be with `changed` providers."""
    return sources_import(names=["genai-prices"], genai_providers=package_with(*changed), today=today, dry_run=dry_run)


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
    call_command("import_sources", *args, stdout=out)
    return out.getvalue()
