"""`import_catalog` against the real genai-prices data.

The whole package is imported once for the module (committed, removed at the end); each test
runs in a transaction on top of it and rolls back. A "newer package version" is a modified deep
copy of a few providers passed in through `providers=`.
"""

from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError
from genai_prices.data import providers as PACKAGE

from catalog.models import AIModel, Pricing, Provider
from catalog.sources.apply.sync import catalog_import_genai_prices
from catalog.sources.genai_prices import (
    UNKNOWN_START,
    desired_catalog,
)

from .conftest import IMPORT_DAY, LATER
from .importing import catalog_snapshot, import_command, package_model, package_provider, prices_of

# The first import


def test_first_import_loads_every_provider_model_and_price(db_catalog):
    desired = desired_catalog(PACKAGE)
    expected_prices = sum(len(model.prices) for provider in desired for model in provider.models)
    assert Provider.objects.count() == len(PACKAGE) == 47
    assert AIModel.objects.count() == sum(len(provider.models) for provider in PACKAGE) == 2330
    assert Pricing.objects.count() == expected_prices
    assert 2500 < expected_prices < 3500
    assert db_catalog.providers.created == 47 and db_catalog.models.created == 2330
    assert db_catalog.prices.created == expected_prices
    tiers = Counter(Pricing.objects.values_list("tier", flat=True))
    assert {"standard", "batch", "priority", "flex", "fast", "peak", "off-peak", "search-fast"} == set(tiers)
    assert tiers["batch"] > 100 and tiers["priority"] > 20
    assert not Pricing.objects.exclude(currency="USD").exists()
    assert AIModel.objects.filter(is_active=False, deprecated_at=IMPORT_DAY).count() == sum(
        bool(model.deprecated) for provider in PACKAGE for model in provider.models
    )


def test_imported_rows_pass_model_validation(db_catalog):
    for model in (Provider, AIModel, Pricing):
        for obj in model.objects.all():
            # the constraints are the database's to check; this is about field validation
            obj.full_clean(validate_unique=False, validate_constraints=False)


def test_openai_gpt_4o_has_standard_batch_and_priority_prices(db_catalog):
    gpt = AIModel.objects.get(slug="gpt-4o")
    assert gpt.provider.slug == "openai" and gpt.foundation_model == "gpt-4o"
    assert gpt.context_window == 128000
    assert gpt.capabilities == ["batch", "prompt_caching", "web_search"] and gpt.modalities == ["text"]
    assert gpt.metadata["source_key"] == "openai:gpt-4o" and gpt.metadata["source"] == "genai-prices"
    assert gpt.metadata["derived_from_prices"] == ["modalities", "capabilities"]
    standard = Pricing.objects.get(model=gpt, tier="standard")
    assert (standard.input_per_million, standard.output_per_million) == (Decimal("2.5"), Decimal("10"))
    assert (standard.currency, standard.region, standard.effective_to) == ("USD", None, None)
    assert standard.effective_from == UNKNOWN_START and standard.metadata["start_known"] is False
    assert standard.metadata["prices"]["cache_read_per_million"] == "1.25"
    assert prices_of("gpt-4o", "batch") == [(date(2026, 10, 14), None, Decimal("1.25"), Decimal("5"))]
    assert prices_of("gpt-4o", "priority") == [(date(2026, 10, 12), None, Decimal("4.25"), Decimal("17"))]
    # service_tier=default has no price of its own
    assert not Pricing.objects.filter(model=gpt, tier="default").exists()


def test_token_tiers_become_volume_discounts(db_catalog):
    standard = Pricing.objects.get(model__slug="claude-sonnet-4-5", tier="standard")
    assert (standard.input_per_million, standard.output_per_million) == (Decimal("3"), Decimal("15"))
    assert standard.volume_discounts == [
        {
            "above_input_tokens": 200000,
            "input_per_million": "6",
            "output_per_million": "22.5",
            "cache_read_per_million": "0.6",
            "cache_write_per_million": "7.5",
            "cache_write_1h_per_million": "12",
        }
    ]


def test_dated_price_changes_become_closed_periods(db_catalog):
    assert prices_of("mistral-large-4") == [
        (UNKNOWN_START, date(2026, 10, 19), Decimal("0.68"), Decimal("2.09")),
        (date(2026, 10, 20), date(2026, 10, 28), Decimal("1.36"), Decimal("4.18")),
        (date(2026, 10, 29), None, Decimal("0.7"), Decimal("2.1")),
    ]
    assert [row[:2] for row in prices_of("mistral-large-4", "batch")] == [
        (date(2026, 10, 14), date(2026, 10, 19)),
        (date(2026, 10, 20), date(2026, 10, 28)),
        (date(2026, 10, 29), None),
    ]


def test_time_of_day_prices_become_peak_and_off_peak_tiers(db_catalog):
    chat = {row.tier: row for row in Pricing.objects.filter(model__slug="deepseek-chat")}
    assert chat["standard"].input_per_million == Decimal("0.27")
    assert chat["standard"].metadata["time_of_day"] == [{"start": "00:30", "end": "16:30", "tz": "UTC"}]
    assert chat["off-peak"].input_per_million == Decimal("0.135")
    assert chat["off-peak"].metadata["time_of_day"] == [{"start": "16:30", "end": "00:30", "tz": "UTC"}]
    peak = Pricing.objects.get(model__slug="deepseek-v4-pro", tier="peak")
    assert peak.input_per_million == Decimal("1.32") and peak.effective_from == date(2026, 8, 17)
    assert len(peak.metadata["time_of_day"]) == 2


def test_one_model_at_several_providers_is_grouped_with_readable_slugs(db_catalog):
    offers = dict(AIModel.objects.filter(foundation_model="gpt-4o").values_list("slug", "provider__slug"))
    assert offers["gpt-4o"] == "openai"
    assert offers["gpt-4o-openrouter"] == "openrouter"
    assert offers["gpt-4o-github-copilot"] == "github-copilot"
    assert offers["gpt-4o-batch-openrouter"] == "openrouter"
    assert AIModel.objects.get(slug="claude-opus-4-5-google").foundation_model == "claude-opus-4-5"
    assert AIModel.objects.get(slug="claude-opus-4-5-global-aws").foundation_model == "claude-opus-4-5"


def test_offers_the_package_prices_at_nothing_are_free(db_catalog):
    for slug in ("gpt-4o-github-copilot", "gpt-oss-120b-free-openrouter"):
        price = Pricing.objects.get(model__slug=slug)
        assert (price.input_per_million, price.output_per_million) == (0, 0)
        assert price.metadata["free"] is True


def test_prices_without_a_column_or_beyond_four_decimals_keep_their_exact_value(db_catalog):
    exact = Pricing.objects.filter(metadata__has_key="exact_prices").values_list("metadata__exact_prices", flat=True)
    assert db_catalog.exact_prices == sum(len(values) for values in exact) > 10
    flash = Pricing.objects.get(model__slug="deepseek-v4-flash-latest-openrouter", input_per_million=Decimal("0.0069"))
    assert flash.input_per_million == Decimal("0.0069")
    assert flash.metadata["exact_prices"] == {"input_per_million": "0.00688"}
    whisper = Pricing.objects.get(model__slug="whisper-1")
    assert whisper.audio_per_minute == Decimal("0.006")
    groq = Pricing.objects.get(model__slug="whisper-large-v3-groq", tier="standard")
    assert groq.audio_per_minute is None and groq.metadata["prices"]["audio_per_hour"] == "0.111"
    eu = Pricing.objects.get(model__slug="mistral-large-4-0-openrouter", region="eu-west", effective_to=None)
    assert (eu.tier, eu.input_per_million) == ("standard", Decimal("0.77"))


def test_providers_keep_their_source_in_metadata(db_catalog):
    provider = Provider.objects.get(slug="huggingface-groq")
    assert provider.name == "HuggingFace (groq)"
    assert provider.website_url is None and provider.documentation_url is None
    assert provider.metadata["source_id"] == "huggingface_groq"
    assert provider.metadata["pricing_urls"][0].startswith("https://")


# The command


def test_dry_run_writes_nothing(db_catalog):
    openai = package_provider("openai")
    package_model(openai, "gpt-4o").context_window = 1
    before = catalog_snapshot()
    report = catalog_import_genai_prices(providers=[openai], today=LATER, dry_run=True)
    assert report.changed and report.models.updated == 1
    assert catalog_snapshot() == before
    assert "rolled back" in import_command("--dry-run", "--provider", "deepseek")


def test_command_shows_progress_and_counts(db_catalog):
    Provider.objects.filter(slug="deepseek").delete()
    output = import_command("--provider", "deepseek", "--provider", "anthropic")
    lines = output.splitlines()
    assert lines[0].startswith("[1/2] anthropic: 27 models (0 created, 0 updated, 27 unchanged)")
    assert lines[1].startswith("[2/2] deepseek: 8 models (8 created, 0 updated, 0 unchanged), 16 prices (16 created")
    assert "Providers: 1 created, 0 updated, 1 unchanged. Models: 8 created" in output
    assert "Nothing changed." in import_command("--provider", "deepseek")
    assert "not imported" in import_command("--if-empty")
    with pytest.raises(CommandError, match="Unknown provider nope"):
        import_command("--provider", "nope")
