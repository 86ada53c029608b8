"""Re-importing: nothing changes on a re-run; a newer genai-prices version updates fields and
supersedes prices in force; history stays; editors' edits and prices survive."""

from datetime import date, time, timedelta
from decimal import Decimal

from genai_prices.types import (
    ConditionalPrice,
    ModelPrice,
    PriceVariant,
    StartDateConstraint,
    TimeOfDateConstraint,
)

from catalog.models import AIModel, Pricing, SourceDisagreement, SourceObservation, SourceValue
from catalog.sources.apply.sync import sources_import
from catalog.sources.genai_prices import (
    UNKNOWN_START,
)

from .conftest import IMPORT_DAY, LATER
from .factories import PricingFactory
from .importing import catalog_snapshot, genai_import, package_model, package_provider, prices_of

RELEASED = date(2024, 5, 13)  # gpt-4o: its undated price starts here

# Re-imports


def test_reimport_changes_nothing(db_catalog):
    before = catalog_snapshot()
    # The same day: the prices in force, and so the price cases of the review queue, are the same.
    report = sources_import(today=IMPORT_DAY)
    assert not report.changed and report.summary()[-1].startswith("Nothing changed")
    assert all(line.observed["new"] == line.observed["changed"] == 0 for line in report.sources)
    assert report.offers.offers == report.canonical_models.canonical_models == 0
    assert report.prices.unchanged == db_catalog.prices.created + db_catalog.prices.unchanged
    assert catalog_snapshot() == before


def _retiring_by(day: date) -> int:
    """Active offers whose retirement has come by `day`: the next import marks them inactive."""
    return AIModel.objects.filter(is_active=True, sunset_at__lte=day).count()


def test_newer_version_updates_changed_fields_and_supersedes_prices_in_force(db_catalog):
    openai = package_provider("openai")
    gpt = package_model(openai, "gpt-4o")
    gpt.context_window = 256000
    gpt.prices = ModelPrice(input_mtok=Decimal("2"), output_mtok=Decimal("8"), cache_read_mtok=Decimal("1"))

    report = genai_import(openai, today=LATER)

    # models.dev and LiteLLM agree on 128000: agreement beats genai-prices' newer 256000, and the
    # difference goes to the review queue.
    assert AIModel.objects.get(slug="gpt-4o").context_window == 128000
    assert SourceDisagreement.objects.filter(
        subject="offer", target_id=AIModel.objects.get(slug="gpt-4o").pk, field="context_window", status="open"
    ).exists()
    assert report.sources[0].observed["changed"] >= 2
    # The undated price changed: the old one ends yesterday, the new one starts today.
    assert prices_of("gpt-4o") == [
        (RELEASED, LATER - timedelta(days=1), Decimal("2.5"), Decimal("10")),
        (LATER, None, Decimal("2"), Decimal("8")),
    ]
    new = Pricing.objects.get(model__slug="gpt-4o", tier="standard", effective_from=LATER)
    assert new.metadata["source_from"] == UNKNOWN_START.isoformat() and new.metadata["start_known"] is False
    # Batch inherits the cache price from the base, so it is superseded the same way.
    assert [row[:2] for row in prices_of("gpt-4o", "batch")] == [
        (date(2026, 10, 14), LATER - timedelta(days=1)),
        (LATER, None),
    ]
    # Days later nothing has changed but the offers whose retirement came meanwhile (GPT-5's).
    retiring = _retiring_by(LATER + timedelta(days=3))
    again = genai_import(openai, today=LATER + timedelta(days=3))
    assert retiring > 0 and again.offers.offers == retiring and not again.offers.fields
    assert not any(line.changed for line in again.sources) and not again.prices.changed


def test_newer_version_adds_a_dated_change_and_withdraws_a_future_one(db_catalog):
    mistral = package_provider("mistral")
    large = package_model(mistral, "mistral-large-4")
    large.prices.append(
        ConditionalPrice(
            constraint=StartDateConstraint(start_date=date(2027, 2, 1)),
            prices=ModelPrice(input_mtok=Decimal("0.8"), output_mtok=Decimal("2.4"), cache_read_mtok=Decimal("0.08")),
        )
    )
    google = package_provider("google")
    flash = package_model(google, "gemini-3.6-flash")
    flash.prices = flash.prices[:1]  # the 2027-01-01 rise is withdrawn before it takes effect

    report = genai_import(mistral, google, today=LATER)

    assert prices_of("mistral-large-4")[-2:] == [
        (date(2026, 10, 29), date(2027, 1, 31), Decimal("0.7"), Decimal("2.1")),
        (date(2027, 2, 1), None, Decimal("0.8"), Decimal("2.4")),
    ]
    assert [row[1:] for row in prices_of("gemini-3-6-flash")] == [(None, Decimal("0.75"), Decimal("3.75"))]
    assert report.prices.created == 1 and report.prices.withdrawn == 1
    assert not genai_import(mistral, google, today=LATER).changed


def test_past_periods_are_history_and_stay(db_catalog):
    mistral = package_provider("mistral")
    large = package_model(mistral, "mistral-large-4")
    del large.prices[1]  # the package forgets the 2026-10-20 list price

    report = genai_import(mistral, today=LATER)

    assert len(prices_of("mistral-large-4")) == 3
    assert report.prices.kept_history == 1 and report.prices.created == report.prices.updated == 0


def test_a_price_the_package_takes_back_resumes_after_the_history(db_catalog):
    anthropic = package_provider("anthropic")
    haiku = package_model(anthropic, "claude-3-haiku")
    haiku.prices = [
        ConditionalPrice(prices=haiku.prices),
        ConditionalPrice(
            constraint=StartDateConstraint(start_date=date(2026, 11, 20)),
            prices=ModelPrice(input_mtok=Decimal("0.5"), output_mtok=Decimal("2")),
        ),
    ]
    genai_import(anthropic, today=LATER)
    back = LATER + timedelta(days=10)

    report = genai_import(package_provider("anthropic"), today=back)

    assert prices_of("claude-3-haiku") == [
        (date(2024, 3, 13), date(2026, 11, 19), Decimal("0.25"), Decimal("1.25")),
        (date(2026, 11, 20), back - timedelta(days=1), Decimal("0.5"), Decimal("2")),
        (back, None, Decimal("0.25"), Decimal("1.25")),
    ]
    assert report.prices.kept_history == 1
    assert not genai_import(package_provider("anthropic"), today=back).changed


def test_an_offer_is_inactive_from_the_day_its_retirement_comes(db_catalog):
    sonnet = AIModel.objects.get(slug="claude-sonnet-4-5")  # LiteLLM: retires 2026-11-30
    assert sonnet.sunset_at == date(2026, 11, 30) and sonnet.is_active  # imported on 2026-11-02

    report = genai_import(package_provider("anthropic"), today=date(2026, 11, 30))

    sonnet.refresh_from_db()
    assert not sonnet.is_active and report.offers.offers >= 1
    assert AIModel.objects.get(slug="gpt-4o").is_active  # retires 2027-01-14
    assert not genai_import(package_provider("anthropic"), today=date(2026, 11, 30)).changed


def test_models_gone_from_the_package_stay_with_their_prices(db_catalog):
    deepseek = package_provider("deepseek")
    deepseek.models = [model for model in deepseek.models if model.id != "deepseek-v3.2"]
    before = prices_of("deepseek-v3-2")
    assert before

    report = genai_import(deepseek, today=LATER)

    gone = AIModel.objects.get(slug="deepseek-v3-2")
    assert gone.is_active and prices_of("deepseek-v3-2") == before
    assert report.sources[0].observed["withdrawn"] > 0
    # What the package said about it is history now: no current value, every observation kept.
    said = SourceValue.objects.filter(source="genai-prices", source_key="deepseek/deepseek-v3.2")
    assert not said.exists()
    seen = SourceObservation.objects.filter(source="genai-prices", source_key="deepseek/deepseek-v3.2")
    assert seen.filter(value__isnull=True).exists() and seen.filter(value__isnull=False).exists()


def test_a_new_time_of_day_window_and_variant_become_tiers(db_catalog):
    x_ai = package_provider("x-ai")
    grok = package_model(x_ai, "grok-3")
    peak = ModelPrice(input_mtok=Decimal("9"), output_mtok=Decimal("30"))
    window = TimeOfDateConstraint(start_time=time(1), end_time=time(3))
    grok.prices = [ConditionalPrice(prices=grok.prices), ConditionalPrice(constraint=window, prices=peak)]
    grok.price_variants = [PriceVariant(when={"processing": "batch"}, prices=ModelPrice(input_mtok=Decimal("1")))]

    genai_import(x_ai, today=LATER)

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
    openai = package_provider("openai")
    changed = package_model(openai, "gpt-4o")
    changed.name, changed.context_window, changed.description = "GPT-4o Omni", 256000, "A new description."

    retiring = _retiring_by(LATER)
    report = genai_import(openai, today=LATER)

    gpt.refresh_from_db()
    assert gpt.name == {"en-US": "GPT-4o", "zh-CN": "GPT-4o"} and gpt.context_window == 100000
    assert gpt.description["en-US"] == "A new description."
    assert report.offers.offers == 1 + retiring
    again = genai_import(openai, today=LATER)
    assert not again.changed and again.offers.kept_edits >= 2


def test_editor_prices_are_never_touched(db_catalog):
    gpt = AIModel.objects.get(slug="gpt-4o")
    # The editor ends the imported price and adds their own after it, and prices a flex tier.
    Pricing.objects.filter(model=gpt, tier="standard").update(effective_to=date(2026, 6, 30))
    own = PricingFactory(model=gpt, effective_from=date(2026, 7, 1), input_per_million=Decimal("2"))
    flex = PricingFactory(model=gpt, tier="flex", effective_from=date(2026, 1, 1))
    before = sorted(Pricing.objects.filter(pk__in=[own.pk, flex.pk]).values_list())
    openai = package_provider("openai")
    package_model(openai, "gpt-4o").price_variants.append(
        PriceVariant(
            when={"service_tier": "flex"},
            prices=ModelPrice(input_mtok=Decimal("1.25")),
            constraint=StartDateConstraint(start_date=date(2026, 12, 1)),
        )
    )

    report = genai_import(openai, today=LATER)

    assert sorted(Pricing.objects.filter(pk__in=[own.pk, flex.pk]).values_list()) == before
    assert Pricing.objects.get(model=gpt, tier="standard", effective_from=RELEASED).effective_to == date(2026, 6, 30)
    assert report.prices.skipped == 1
    assert any("gpt-4o flex from 2026-12-01: conflicts with an editor's price" in line for line in report.summary())
    assert report.prices.created == report.prices.updated == 0
