"""`import_catalog` against the real genai-prices data.

The whole package is imported once for the module (committed, removed at the end); each test
runs in a transaction on top of it and rolls back. A "newer package version" is a modified deep
copy of a few providers passed in through `providers=`.
"""

import copy
import io
import uuid
from collections import Counter
from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from genai_prices.data import providers as PACKAGE
from genai_prices.types import (
    ConditionalPrice,
    ModelPrice,
    PriceVariant,
    StartDateConstraint,
    TimeOfDateConstraint,
)

from aigo.redis import redis_client
from catalog.importers.genai_prices import (
    UNKNOWN_START,
    desired_catalog,
    normalise_id,
    price_key_name,
    slug_candidates,
    variant_tier,
)
from catalog.importers.merge import merge_fields
from catalog.importers.sync import catalog_import_genai_prices
from catalog.listings import listings_refresh
from catalog.models import AIModel, Pricing, Provider

from .factories import PricingFactory

IMPORT_DAY = date(2026, 11, 2)
LATER = date(2026, 12, 10)


@pytest.fixture(scope="module")
def first_import(django_db_setup, django_db_blocker):
    prefix = f"test:{uuid.uuid4().hex[:12]}:"
    with django_db_blocker.unblock(), override_settings(AIGO_REDIS_PREFIX=prefix):
        yield catalog_import_genai_prices(today=IMPORT_DAY)
        with connection.cursor() as cursor:
            # The database cascades to models and prices, without a signal per row.
            cursor.execute("DELETE FROM providers")
        listings_refresh()
        client = redis_client()
        for key in client.scan_iter(match=f"{prefix}*"):
            client.delete(key)


@pytest.fixture
def db_catalog(first_import, db):
    return first_import


def _package(provider_id: str):
    """A deep copy of one package provider, to change as a newer package version would."""
    return copy.deepcopy(next(provider for provider in PACKAGE if provider.id == provider_id))


def _model(provider, model_id: str):
    return next(model for model in provider.models if model.id == model_id)


def _prices(slug: str, tier: str = "standard", region: str | None = None) -> list[tuple]:
    return list(
        Pricing.objects.filter(model__slug=slug, tier=tier, region=region)
        .order_by("effective_from")
        .values_list("effective_from", "effective_to", "input_per_million", "output_per_million")
    )


def _snapshot() -> list:
    return [
        sorted(Provider.objects.values_list("id", "name", "metadata", "updated_at")),
        sorted(AIModel.objects.values_list("id", "slug", "name", "context_window", "metadata", "updated_at")),
        sorted(
            Pricing.objects.values_list(
                "id", "tier", "input_per_million", "output_per_million", "effective_from", "effective_to", "metadata"
            )
        ),
    ]


def _command(*args) -> str:
    out = io.StringIO()
    call_command("import_catalog", *args, stdout=out)
    return out.getvalue()


# The mapping, without the database


def test_vendor_prefixes_and_offers_are_stripped_conservatively():
    assert normalise_id("openrouter", "openai/gpt-4o") == ("gpt-4o", [], "openai")
    assert normalise_id("openrouter", "openai/gpt-4o:batch") == ("gpt-4o", ["batch"], "openai")
    assert normalise_id("cloudflare", "@cf/meta/llama-3-8b-instruct") == ("llama-3-8b-instruct", [], "meta")
    assert normalise_id("aws", "global.anthropic.claude-opus-4-5-v1:0") == ("claude-opus-4-5", ["global"], "anthropic")
    assert normalise_id("aws", "mistral.mistral-7b-instruct-v0:2")[0] == "mistral-7b-instruct-v0.2"
    assert normalise_id("huggingface_groq", "Qwen/Qwen3-32B")[0] == "qwen3-32b"
    assert normalise_id("databricks", "databricks-gpt-oss-120b")[0] == "gpt-oss-120b"
    # Served by Perplexity, made by Moonshot: Perplexity does not get the bare slug.
    assert normalise_id("perplexity", "perplexity/kimi-k3")[2] == "moonshotai"
    # No guessing: dots and dashes are different names.
    assert normalise_id("github-copilot", "claude-haiku-4.5")[0] != normalise_id("anthropic", "claude-haiku-4-5")[0]


def test_slug_candidates_prefer_the_bare_name_for_the_maker_only():
    assert next(slug_candidates("gpt-4o", "openai", True)) == "gpt-4o"
    candidates = slug_candidates("gpt-4o", "openrouter", False)
    assert [next(candidates) for _ in range(2)] == ["gpt-4o-openrouter", "gpt-4o-openrouter-2"]
    assert len(next(slug_candidates("x" * 120, "huggingface-fireworks-ai", False))) == 100


def test_price_keys_and_variants_have_readable_names():
    assert price_key_name("cache_read_mtok") == "cache_read_per_million"
    assert price_key_name("cache_write_1h_mtok") == "cache_write_1h_per_million"
    assert price_key_name("output_reasoning_mtok") == "reasoning_output_per_million"
    assert price_key_name("web_searches_kcount") == "web_search_per_thousand"
    assert price_key_name("input_document_kpages") == "input_document_per_thousand_pages"
    assert variant_tier({"processing": "batch"}) == ("batch", None)
    assert variant_tier({"service_tier": "priority"}) == ("priority", None)
    assert variant_tier({"search_type": "fast"}) == ("search-fast", None)
    assert variant_tier({"route": "mistral/eu"}) == ("standard", "eu-west")


def test_editor_values_win_and_list_fields_merge():
    writes, baseline, kept = merge_fields(
        {"name": "GPT-4o", "context_window": 128000, "capabilities": ["batch", "function_calling"]},
        {"name": "gpt 4o", "context_window": 128000, "capabilities": ["batch", "web_search"]},
        {"name": "gpt-4o (2026)", "context_window": 256000, "capabilities": ["prompt_caching", "web_search"]},
    )
    # name: edited, so kept; context_window: untouched, so it follows. capabilities: the editor
    # added function_calling and removed web_search, the package dropped batch and added
    # prompt_caching; both apply.
    assert writes == {"context_window": 256000, "capabilities": ["function_calling", "prompt_caching"]}
    assert baseline["name"] == "gpt 4o" and baseline["context_window"] == 256000
    assert kept


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
    assert _prices("gpt-4o", "batch") == [(date(2026, 10, 14), None, Decimal("1.25"), Decimal("5"))]
    assert _prices("gpt-4o", "priority") == [(date(2026, 10, 12), None, Decimal("4.25"), Decimal("17"))]
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
    assert _prices("mistral-large-4") == [
        (UNKNOWN_START, date(2026, 10, 19), Decimal("0.68"), Decimal("2.09")),
        (date(2026, 10, 20), date(2026, 10, 28), Decimal("1.36"), Decimal("4.18")),
        (date(2026, 10, 29), None, Decimal("0.7"), Decimal("2.1")),
    ]
    assert [row[:2] for row in _prices("mistral-large-4", "batch")] == [
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


# Re-imports


def test_reimport_changes_nothing(db_catalog):
    before = _snapshot()
    report = catalog_import_genai_prices(today=LATER)
    assert not report.changed and "Nothing changed." in report.summary()
    assert report.models.unchanged == 2330 and report.prices.unchanged == db_catalog.prices.created
    assert _snapshot() == before


def test_newer_version_updates_changed_fields_and_supersedes_prices_in_force(db_catalog):
    openai = _package("openai")
    gpt = _model(openai, "gpt-4o")
    gpt.context_window = 256000
    gpt.prices = ModelPrice(input_mtok=Decimal("2"), output_mtok=Decimal("8"), cache_read_mtok=Decimal("1"))

    report = catalog_import_genai_prices(providers=[openai], today=LATER)

    assert AIModel.objects.get(slug="gpt-4o").context_window == 256000
    assert report.models.updated == 1 and report.models.unchanged == len(openai.models) - 1
    # The undated price changed: the old one ends yesterday, the new one starts today.
    assert _prices("gpt-4o") == [
        (UNKNOWN_START, LATER - timedelta(days=1), Decimal("2.5"), Decimal("10")),
        (LATER, None, Decimal("2"), Decimal("8")),
    ]
    new = Pricing.objects.get(model__slug="gpt-4o", tier="standard", effective_from=LATER)
    assert new.metadata["source_from"] == UNKNOWN_START.isoformat() and new.metadata["start_known"] is False
    # Batch inherits the cache price from the base, so it is superseded the same way.
    assert [row[:2] for row in _prices("gpt-4o", "batch")] == [
        (date(2026, 10, 14), LATER - timedelta(days=1)),
        (LATER, None),
    ]
    again = catalog_import_genai_prices(providers=[openai], today=LATER + timedelta(days=3))
    assert not again.changed


def test_newer_version_adds_a_dated_change_and_withdraws_a_future_one(db_catalog):
    mistral = _package("mistral")
    large = _model(mistral, "mistral-large-4")
    large.prices.append(
        ConditionalPrice(
            constraint=StartDateConstraint(start_date=date(2027, 2, 1)),
            prices=ModelPrice(input_mtok=Decimal("0.8"), output_mtok=Decimal("2.4"), cache_read_mtok=Decimal("0.08")),
        )
    )
    google = _package("google")
    flash = _model(google, "gemini-3.6-flash")
    flash.prices = flash.prices[:1]  # the 2027-01-01 rise is withdrawn before it takes effect

    report = catalog_import_genai_prices(providers=[mistral, google], today=LATER)

    assert _prices("mistral-large-4")[-2:] == [
        (date(2026, 10, 29), date(2027, 1, 31), Decimal("0.7"), Decimal("2.1")),
        (date(2027, 2, 1), None, Decimal("0.8"), Decimal("2.4")),
    ]
    assert _prices("gemini-3-6-flash") == [(UNKNOWN_START, None, Decimal("0.75"), Decimal("3.75"))]
    assert report.prices.created == 1 and report.prices.withdrawn == 1
    assert not catalog_import_genai_prices(providers=[mistral, google], today=LATER).changed


def test_past_periods_are_history_and_stay(db_catalog):
    mistral = _package("mistral")
    large = _model(mistral, "mistral-large-4")
    del large.prices[1]  # the package forgets the 2026-10-20 list price

    report = catalog_import_genai_prices(providers=[mistral], today=LATER)

    assert len(_prices("mistral-large-4")) == 3
    assert report.prices.kept_history == 1 and not report.changed


def test_a_price_the_package_takes_back_resumes_after_the_history(db_catalog):
    anthropic = _package("anthropic")
    haiku = _model(anthropic, "claude-3-haiku")
    haiku.prices = [
        ConditionalPrice(prices=haiku.prices),
        ConditionalPrice(
            constraint=StartDateConstraint(start_date=date(2026, 11, 20)),
            prices=ModelPrice(input_mtok=Decimal("0.5"), output_mtok=Decimal("2")),
        ),
    ]
    catalog_import_genai_prices(providers=[anthropic], today=LATER)
    back = LATER + timedelta(days=10)

    report = catalog_import_genai_prices(providers=[_package("anthropic")], today=back)

    assert _prices("claude-3-haiku") == [
        (UNKNOWN_START, date(2026, 11, 19), Decimal("0.25"), Decimal("1.25")),
        (date(2026, 11, 20), back - timedelta(days=1), Decimal("0.5"), Decimal("2")),
        (back, None, Decimal("0.25"), Decimal("1.25")),
    ]
    assert report.prices.kept_history == 1
    assert not catalog_import_genai_prices(providers=[_package("anthropic")], today=back).changed


def test_models_gone_from_the_package_are_flagged_not_deleted(db_catalog):
    deepseek = _package("deepseek")
    deepseek.models = [model for model in deepseek.models if model.id != "deepseek-reasoner"]
    before = _prices("deepseek-reasoner")

    report = catalog_import_genai_prices(providers=[deepseek], today=LATER)

    reasoner = AIModel.objects.get(slug="deepseek-reasoner")
    assert reasoner.metadata["missing_from_source"] is True and reasoner.is_active
    assert _prices("deepseek-reasoner") == before
    assert report.missing_models == 1 and report.models.updated == 1
    catalog_import_genai_prices(providers=[_package("deepseek")], today=LATER)
    assert "missing_from_source" not in AIModel.objects.get(slug="deepseek-reasoner").metadata


def test_a_new_time_of_day_window_and_variant_become_tiers(db_catalog):
    x_ai = _package("x-ai")
    grok = _model(x_ai, "grok-3")
    peak = ModelPrice(input_mtok=Decimal("9"), output_mtok=Decimal("30"))
    window = TimeOfDateConstraint(start_time=time(1), end_time=time(3))
    grok.prices = [ConditionalPrice(prices=grok.prices), ConditionalPrice(constraint=window, prices=peak)]
    grok.price_variants = [PriceVariant(when={"processing": "batch"}, prices=ModelPrice(input_mtok=Decimal("1")))]

    catalog_import_genai_prices(providers=[x_ai], today=LATER)

    rows = {row.tier: row for row in Pricing.objects.filter(model__slug="grok-3")}
    assert set(rows) == {"standard", "peak", "batch"}
    assert rows["peak"].metadata["time_of_day"] == [{"start": "01:00", "end": "03:00", "tz": "UTC"}]
    assert (rows["batch"].input_per_million, rows["batch"].output_per_million) == (Decimal("1"), Decimal("15"))
    assert "batch" in AIModel.objects.get(slug="grok-3").capabilities


# Editors


def test_editor_edits_survive_while_package_changes_still_apply(db_catalog):
    gpt = AIModel.objects.get(slug="gpt-4o")
    gpt.name = {"en-US": "GPT-4o", "zh-CN": "GPT-4o"}
    gpt.context_window = 100000
    gpt.save()
    openai = _package("openai")
    changed = _model(openai, "gpt-4o")
    changed.name, changed.context_window, changed.description = "GPT-4o Omni", 256000, "A new description."

    report = catalog_import_genai_prices(providers=[openai], today=LATER)

    gpt.refresh_from_db()
    assert gpt.name == {"en-US": "GPT-4o", "zh-CN": "GPT-4o"} and gpt.context_window == 100000
    assert gpt.description["en-US"] == "A new description."
    assert report.models.updated == 1
    again = catalog_import_genai_prices(providers=[openai], today=LATER)
    assert not again.changed and again.models.kept_edits == 1


def test_editor_prices_are_never_touched(db_catalog):
    gpt = AIModel.objects.get(slug="gpt-4o")
    # The editor ends the imported price and adds their own after it, and prices a flex tier.
    Pricing.objects.filter(model=gpt, tier="standard").update(effective_to=date(2026, 6, 30))
    own = PricingFactory(model=gpt, effective_from=date(2026, 7, 1), input_per_million=Decimal("2"))
    flex = PricingFactory(model=gpt, tier="flex", effective_from=date(2026, 1, 1))
    before = sorted(Pricing.objects.filter(pk__in=[own.pk, flex.pk]).values_list())
    openai = _package("openai")
    _model(openai, "gpt-4o").price_variants.append(
        PriceVariant(
            when={"service_tier": "flex"},
            prices=ModelPrice(input_mtok=Decimal("1.25")),
            constraint=StartDateConstraint(start_date=date(2026, 12, 1)),
        )
    )

    report = catalog_import_genai_prices(providers=[openai], today=LATER)

    assert sorted(Pricing.objects.filter(pk__in=[own.pk, flex.pk]).values_list()) == before
    assert Pricing.objects.get(model=gpt, tier="standard", effective_from=UNKNOWN_START).effective_to == date(
        2026, 6, 30
    )
    assert report.prices.skipped == 1
    assert any("gpt-4o flex from 2026-12-01: conflicts with an editor's price" in line for line in report.summary())
    assert not report.changed


# The command


def test_dry_run_writes_nothing(db_catalog):
    openai = _package("openai")
    _model(openai, "gpt-4o").context_window = 1
    before = _snapshot()
    report = catalog_import_genai_prices(providers=[openai], today=LATER, dry_run=True)
    assert report.changed and report.models.updated == 1
    assert _snapshot() == before
    assert "rolled back" in _command("--dry-run", "--provider", "deepseek")


def test_command_shows_progress_and_counts(db_catalog):
    Provider.objects.filter(slug="deepseek").delete()
    output = _command("--provider", "deepseek", "--provider", "anthropic")
    lines = output.splitlines()
    assert lines[0].startswith("[1/2] anthropic: 27 models (0 created, 0 updated, 27 unchanged)")
    assert lines[1].startswith("[2/2] deepseek: 8 models (8 created, 0 updated, 0 unchanged), 16 prices (16 created")
    assert "Providers: 1 created, 0 updated, 1 unchanged. Models: 8 created" in output
    assert "Nothing changed." in _command("--provider", "deepseek")
    assert "not imported" in _command("--if-empty")
    with pytest.raises(CommandError, match="Unknown provider nope"):
        _command("--provider", "nope")
