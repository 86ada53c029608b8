"""`import_sources` against the real data of every source.

All four sources are imported once for the module (committed, removed at the end); each test runs
in a transaction on top of it and rolls back. A "newer package version" of genai-prices is a
modified deep copy of a few providers (importing.genai_import).
"""

from collections import Counter
from datetime import date
from decimal import Decimal

import psycopg
import pytest
from django.core.management import CommandError
from django.db import OperationalError, connection
from django.db.models import F
from genai_prices.data import providers as PACKAGE

from catalog.models import (
    AIModel,
    BenchmarkScore,
    CanonicalModel,
    Pricing,
    Provider,
    SourceDisagreement,
    SourceImport,
    SourceValue,
)
from catalog.sources import SOURCES
from catalog.sources.apply.sync import IMPORT_LOCK, sources_import
from catalog.sources.genai_prices import desired_catalog

from .conftest import IMPORT_DAY, LATER
from .importing import catalog_snapshot, genai_import, import_command, package_model, package_provider, prices_of

# The first import


def test_first_import_records_every_source_and_loads_the_genai_prices_catalog(db_catalog):
    assert [line.source for line in db_catalog.sources] == list(SOURCES)
    assert set(SourceImport.objects.filter(status="done").values_list("source", flat=True)) == set(SOURCES)
    genai = AIModel.objects.filter(metadata__source="genai-prices")
    assert genai.count() == sum(len(provider.models) for provider in PACKAGE) == 2330
    assert Provider.objects.filter(metadata__source="genai-prices").count() == len(PACKAGE) == 47
    # The other sources add the offers genai-prices does not list, each linked to a canonical model.
    assert AIModel.objects.count() > 6000 and not AIModel.objects.filter(canonical_model=None).exists()
    assert 2000 < CanonicalModel.objects.count() < AIModel.objects.count()
    tiers = Counter(Pricing.objects.values_list("tier", flat=True))
    assert {"standard", "batch", "priority", "flex", "fast", "peak", "off-peak", "search-fast"} <= set(tiers)
    desired = desired_catalog(PACKAGE)
    assert Pricing.objects.filter(model__in=genai).count() == sum(
        len(model.prices) for provider in desired for model in provider.models
    )


def test_no_date_is_invented(db_catalog):
    # Deprecated models are inactive, and dated only where a source dates them.
    deprecated = [model for provider in PACKAGE for model in provider.models if model.deprecated]
    assert (
        AIModel.objects.filter(
            metadata__source_key__in=[f"{p.id}:{m.id}" for p in PACKAGE for m in p.models if m.deprecated]
        )
        .filter(is_active=True)
        .count()
        == 0
    )
    assert len(deprecated) > 50
    dated = set(SourceValue.objects.filter(field="deprecated_at").values_list("target_id", flat=True))
    assert not AIModel.objects.exclude(deprecated_at=None).exclude(pk__in=dated).exists()
    assert not AIModel.objects.filter(deprecated_at=IMPORT_DAY).exclude(pk__in=dated).exists()
    # A price whose start no source gives starts on the model's release or the day it was first listed.
    assert not Pricing.objects.filter(effective_from=date(2020, 1, 1)).exists()
    undated = Pricing.objects.filter(metadata__start_known=False)
    assert undated.count() > 1000
    assert set(undated.values_list("metadata__start_basis", flat=True)) == {"release_date", "first_listed"}


def test_imported_rows_pass_model_validation(db_catalog):
    for model in (Provider, CanonicalModel, AIModel, Pricing):
        for obj in model.objects.all():
            # the constraints are the database's to check; this is about field validation
            obj.full_clean(validate_unique=False, validate_constraints=False)


def test_openai_gpt_4o_has_its_facts_and_standard_batch_and_priority_prices(db_catalog):
    gpt = AIModel.objects.get(slug="gpt-4o")
    assert gpt.provider.slug == "openai" and gpt.foundation_model == "gpt-4o"
    assert (gpt.context_window, gpt.max_output_tokens) == (128000, 16384)
    assert (gpt.released_at, gpt.training_cutoff) == (date(2024, 5, 13), date(2023, 9, 1))
    assert gpt.capabilities == ["batch", "prompt_caching", "web_search"] and gpt.modalities == ["text"]
    assert gpt.metadata["source_key"] == "openai:gpt-4o" and gpt.metadata["source"] == "genai-prices"
    standard = Pricing.objects.get(model=gpt, tier="standard")
    assert (standard.input_per_million, standard.output_per_million) == (Decimal("2.5"), Decimal("10"))
    assert (standard.currency, standard.region, standard.effective_to) == ("USD", None, None)
    # genai-prices does not date it: the price starts on the model's release, and says so.
    assert standard.effective_from == date(2024, 5, 13)
    assert (standard.metadata["start_known"], standard.metadata["start_basis"]) == (False, "release_date")
    assert standard.metadata["prices"]["cache_read_per_million"] == "1.25"
    assert prices_of("gpt-4o", "batch") == [(date(2026, 10, 14), None, Decimal("1.25"), Decimal("5"))]
    assert prices_of("gpt-4o", "priority") == [(date(2026, 10, 12), None, Decimal("4.25"), Decimal("17"))]
    # service_tier=default has no price of its own
    assert not Pricing.objects.filter(model=gpt, tier="default").exists()


def test_claude_sonnet_4_5_is_one_model_offered_by_every_provider_the_sources_list(db_catalog):
    sonnet = CanonicalModel.objects.get(key="anthropic/claude-sonnet-4-5")
    assert sonnet.maker.slug == "anthropic" and sonnet.released_at == date(2025, 9, 29)
    assert (sonnet.context_window, sonnet.max_output_tokens) == (200000, 64000)
    listed = SourceValue.objects.filter(subject="offer", field="base", value="claude-sonnet-4-5").exclude(
        target_id=None
    )
    makers = dict(SourceValue.objects.filter(subject="offer", field="maker").values_list("source_key", "value"))
    targets = {
        target for key, target in listed.values_list("source_key", "target_id") if makers.get(key) == "anthropic"
    }
    assert len(targets) > 25
    offers = AIModel.objects.filter(pk__in=targets)
    assert set(offers.values_list("canonical_model", flat=True)) == {sonnet.pk}
    providers = set(offers.values_list("provider__slug", flat=True))
    assert {"anthropic", "aws", "google-vertex", "azure", "openrouter"} <= providers
    assert len(providers) > 20


def test_a_resellers_model_joins_its_makers_once_a_source_names_the_maker(db_catalog):
    assert db_catalog.canonical_merged > 0
    keys = list(CanonicalModel.objects.values_list("key", flat=True))
    known = Counter(key.partition("/")[2] for key in keys if not key.startswith("@"))
    assert [key for key in keys if key.startswith("@") and known[key.partition("/")[2]] == 1] == []


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
    periods = prices_of("mistral-large-4")
    assert periods[1:] == [
        (date(2026, 10, 20), date(2026, 10, 28), Decimal("1.36"), Decimal("4.18")),
        (date(2026, 10, 29), None, Decimal("0.7"), Decimal("2.1")),
    ]
    # The first period's start is not in the package: the earliest day a source lists a price of it.
    first = Pricing.objects.get(model__slug="mistral-large-4", tier="standard", effective_to=date(2026, 10, 19))
    assert first.metadata["start_basis"] == "first_listed" and first.effective_from <= date(2026, 10, 19)
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


def test_prices_published_in_yuan_are_stored_in_yuan(db_catalog):
    # genai-prices lists Zhipu's prices in USD converted at 7.25 CNY; the catalog keeps the yuan.
    glm = Pricing.objects.filter(
        model__provider__slug="zhipuai", tier="standard", effective_to=None, metadata__source="genai-prices"
    )
    assert glm.exists() and set(glm.values_list("currency", flat=True)) == {"CNY"}
    assert all(row.metadata["converted"] == {"by": "genai-prices", "from": "USD", "rate": "7.25"} for row in glm)
    assert not Pricing.objects.exclude(currency__in=["USD", "CNY"]).exists()


def test_offers_the_package_prices_at_nothing_are_free(db_catalog):
    for slug in ("gpt-4o-github-copilot", "gpt-oss-120b-free-openrouter"):
        price = Pricing.objects.get(model__slug=slug)
        assert (price.input_per_million, price.output_per_million) == (0, 0)
        assert price.metadata["free"] is True


def test_prices_without_a_column_or_beyond_four_decimals_keep_their_exact_value(db_catalog):
    exact = Pricing.objects.filter(metadata__has_key="exact_prices").values_list("metadata__exact_prices", flat=True)
    assert sum(len(values) for values in exact) >= db_catalog.exact_prices > 10
    flash = Pricing.objects.get(model__slug="deepseek-v4-flash-latest-openrouter", input_per_million=Decimal("0.0069"))
    assert flash.metadata["exact_prices"] == {"input_per_million": "0.00688"}
    whisper = Pricing.objects.get(model__slug="whisper-1")
    assert whisper.audio_per_minute == Decimal("0.006")
    groq = Pricing.objects.get(model__slug="whisper-large-v3-groq", tier="standard")
    assert groq.audio_per_minute is None and groq.metadata["prices"]["audio_per_hour"] == "0.111"
    eu = Pricing.objects.get(model__slug="mistral-large-4-0-openrouter", region="eu-west", effective_to=None)
    assert (eu.tier, eu.input_per_million) == ("standard", Decimal("0.77"))


def test_real_benchmark_scores_carry_where_they_were_published(db_catalog):
    scores = BenchmarkScore.objects.filter(source="llm-stats")
    assert scores.count() > 2000 and not scores.filter(source_url=None).exists()
    assert scores.filter(is_self_reported=True).exists()
    with_scores = CanonicalModel.objects.filter(offers__benchmark_scores__source="llm-stats").distinct()
    assert with_scores.count() >= 150
    score = scores.get(model__canonical_model__key="anthropic/claude-haiku-4-5", suite__slug="gpqa")
    assert score.model.provider.slug == "anthropic"  # on the maker's own offer
    assert (score.score_raw, score.score_normalized) == (Decimal("0.73"), Decimal("73"))
    assert score.source_url == "https://www.anthropic.com/news/claude-haiku-4-5"


def test_providers_keep_their_source_in_metadata(db_catalog):
    provider = Provider.objects.get(slug="huggingface-groq")
    assert provider.name == "HuggingFace (groq)"
    assert provider.metadata["source_id"] == "huggingface_groq"


def test_litellm_dates_retirements_with_the_page_that_announces_them(db_catalog):
    gpt = AIModel.objects.get(slug="gpt-4o")
    assert gpt.sunset_at == date(2027, 1, 14) and gpt.is_active  # retiring, still served
    url = SourceValue.objects.get(source="litellm", target_id=gpt.pk, field="lifecycle_url")
    assert url.value == "https://developers.openai.com/api/docs/deprecations"
    gpt4 = AIModel.objects.get(slug="gpt-4")
    assert gpt4.sunset_at == date(2026, 10, 23) and not gpt4.is_active  # retired before the snapshot


def test_dates_out_of_order_drop_the_loosest_not_the_row(db_catalog):
    # genai-prices' releases say "deprecated on or before 2026-10-09"; LiteLLM retires it on 2026-08-31.
    moonshot = AIModel.objects.get(slug="moonshot-v1-128k")
    said = dict(SourceValue.objects.filter(target_id=moonshot.pk).values_list("field", "value"))
    assert (said["deprecated_at"], said["sunset_at"]) == ("2026-10-09", "2026-08-31")
    assert (moonshot.deprecated_at, moonshot.sunset_at, moonshot.is_active) == (None, date(2026, 8, 31), False)
    assert moonshot.context_window == 131072  # its other values are written


def test_every_model_its_maker_deprecates_has_a_date_and_bounds_from_release_histories_are_no_case(db_catalog):
    deprecated_offers = SourceValue.objects.filter(subject="offer", field="deprecated", value=True)
    makers = CanonicalModel.objects.filter(
        offers__in=deprecated_offers.values("target_id"), offers__provider=F("maker")
    ).distinct()
    assert makers.count() > 100
    assert not makers.filter(deprecated_at=None, sunset_at=None).exists()
    # Voyage AI's early models were added to genai-prices already deprecated: on or before that release.
    assert CanonicalModel.objects.get(key="voyageai/voyage-01").deprecated_at == date(2026, 6, 24)
    # genai-prices dates Devstral 2512 on or before 2026-10-12, model-prices on or before 2026-10-26:
    # both are true, the earlier is shown, and the editors get no case to settle.
    devstral = AIModel.objects.get(provider__slug="mistral", slug="devstral-2512")
    said = set(SourceValue.objects.filter(target_id=devstral.pk, field="deprecated_at").values_list("source", "value"))
    assert said == {("genai-prices", "2026-10-12"), ("model-prices", "2026-10-26")}
    assert devstral.deprecated_at == date(2026, 10, 12)
    assert not SourceDisagreement.objects.filter(field="deprecated_at", status="open").exists()


def test_litellm_adds_a_row_only_for_a_model_it_dates(db_catalog):
    # Retired, and listed by no other source: a row, for the lifecycle.
    retired = AIModel.objects.get(provider__slug="openai", metadata__source_key="openai:gpt-4-1106-preview")
    assert retired.sunset_at is not None and retired.canonical_model is not None
    # Only limits: its values are kept, attached to no row, until another source lists the model.
    rerank = SourceValue.objects.filter(source="litellm", source_key="cohere/rerank-v3.5")
    assert rerank.exists() and not rerank.exclude(target_id=None).exists()
    assert not AIModel.objects.filter(metadata__source="litellm", sunset_at=None).exists()


def test_a_models_retirement_is_its_makers_not_a_resellers(db_catalog):
    gpt = CanonicalModel.objects.get(key="openai/gpt-4o")
    azure = AIModel.objects.get(canonical_model=gpt, slug="gpt-4o-azure")
    assert azure.sunset_at == date(2027, 4, 14)  # Azure serves its copy longer
    assert gpt.sunset_at == date(2027, 1, 14)  # OpenAI's own
    # Together retires models (Qwen3 Next) their makers do not: those models have no retirement.
    together = AIModel.objects.filter(provider__slug="together", sunset_at__isnull=False)
    resold = together.exclude(canonical_model__maker=F("provider")).select_related("canonical_model").first()
    assert resold is not None and resold.canonical_model.sunset_at is None


# The command


def test_dry_run_writes_nothing(db_catalog):
    openai = package_provider("openai")
    package_model(openai, "gpt-4o").context_window = 1
    before = catalog_snapshot()
    report = genai_import(openai, today=LATER, dry_run=True)
    assert report.changed and report.sources[0].observed["changed"] == 1
    assert catalog_snapshot() == before
    assert "rolled back" in import_command("--dry-run", "--source", "llm-stats")


def test_command_shows_progress_and_counts(db_catalog):
    output = import_command("--source", "llm-stats", "--source", "model-prices")
    lines = output.splitlines()
    assert lines[0].startswith("llm-stats ") and "unchanged values" in lines[0]
    assert lines[1].startswith("model-prices ")
    assert "review queue:" in output and output.splitlines()[-1].startswith(("Catalog updated", "Nothing changed"))
    assert "Nothing changed" in import_command("--source", "llm-stats")
    assert "not imported" in import_command("--if-empty")
    with pytest.raises(CommandError, match="invalid choice"):
        import_command("--source", "nope")


def test_imports_running_at_once_take_turns(db_catalog):
    """A second import waits for the first one's stage (an advisory lock), rather than writing beside it."""
    params = connection.get_connection_params()
    with psycopg.connect(**{key: params[key] for key in ("host", "port", "user", "dbname") if key in params}) as other:
        other.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])  # an import holding its stage
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '300ms'")
        before = SourceImport.objects.count()
        with pytest.raises(OperationalError, match="lock timeout"):
            sources_import(names=["llm-stats"], today=IMPORT_DAY)
        assert SourceImport.objects.count() == before
        other.rollback()  # the first import is done
    assert not sources_import(names=["llm-stats"], today=IMPORT_DAY).changed
