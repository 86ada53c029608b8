"""catalog.sources.model_prices against the snapshot model-prices==0.0.5 bundles: pure, no database."""

import socket
import urllib.request
from collections import defaultdict
from datetime import UTC, date, datetime, time
from decimal import Decimal

import model_prices as package
import pytest
from genai_prices import data as genai_data

from catalog.sources import model_prices
from catalog.sources.records import OFFER_FIELDS, PRICE_FIELDS, PriceRecord


@pytest.fixture(scope="module")
def source():
    return model_prices.load()


@pytest.fixture(scope="module")
def snapshot():
    return model_prices.snapshot()


def periods(source, provider: str, model: str, tier: str) -> list[PriceRecord]:
    return [p for p in source.prices if (p.provider, p.model, p.tier) == (provider, model, tier)]


def test_alias_table_maps_labs_to_the_catalog_vocabulary(snapshot):
    catalog_keys = {lab: catalog_key for lab, (_, catalog_key) in model_prices.LABS.items()}
    assert catalog_keys["xai"] == "x-ai"
    assert catalog_keys["amazon-bedrock"] == "aws"
    assert catalog_keys["anthropic"] == "anthropic"
    assert catalog_keys["zai"] == "zai"
    assert catalog_keys["nova"] is None  # Amazon's own API, not Bedrock
    assert {catalog_keys[lab] for lab in ("alibaba", "xiaomi", "stepfun-ai")} == {None}
    # Every lab of the snapshot is mapped on purpose, to a provider the catalog's vocabulary has.
    assert set(snapshot["prices"]) <= set(model_prices.LABS)
    assert {key for key in catalog_keys.values() if key} <= {provider.id for provider in genai_data.providers}


def test_providers_carry_their_catalog_key(source):
    providers = {provider.key: provider for provider in source.providers}
    assert (providers["xai"].name, providers["xai"].catalog_key) == ("xAI", "x-ai")
    assert providers["alibaba"].catalog_key is None


def test_offers_take_maker_and_base_from_the_catalog_provider(source):
    offers = {(offer.provider, offer.key): offer for offer in source.offers}
    bedrock = offers[("amazon-bedrock", "us.amazon.nova-pro-v1:0")]
    assert (bedrock.maker, bedrock.base) == ("amazon", "nova-pro")
    assert offers[("xai", "grok-4.6")].maker == "xai"
    assert offers[("alibaba", "qwen-plus")].maker == "alibaba"
    # Only what the snapshot states: its deprecation status, dated "on or before" by the first release
    # marking it (catalog/sources/history), whether or not models.dev listed the model as current before.
    assert offers[("alibaba", "qwen-turbo")].fields == {"deprecated": True, "deprecated_at": date(2026, 10, 26)}
    assert offers[("mistral", "open-mistral-nemo")].fields == {"deprecated": True, "deprecated_at": date(2026, 10, 26)}
    assert offers[("openai", "gpt-5.6-sol")].fields == {}


def test_a_dated_price_change_gives_two_periods_the_first_closed_the_day_before(source):
    first, second = periods(source, "openai", "gpt-5.6-sol", "standard")
    assert (first.effective_from, first.effective_to) == (date(2026, 7, 9), date(2026, 8, 20))
    assert (second.effective_from, second.effective_to) == (date(2026, 8, 21), None)
    assert (first.prices["input_per_million"], first.prices["output_per_million"]) == (Decimal("5.0"), Decimal("30.0"))
    assert (second.prices["input_per_million"], second.prices["output_per_million"]) == (Decimal("4.0"), Decimal("20"))
    assert second.currency == "USD"


def test_start_bases_and_source_urls_are_carried(source):
    first, second = periods(source, "openai", "gpt-5.6-sol", "standard")
    assert first.details["start_basis"] == "models.dev commit"
    assert first.source_url.startswith("https://github.com/sst/models.dev/commit/")
    assert second.details["start_basis"] == "documented"
    assert second.source_url == "https://openai.com/index/gpt-5-6/"
    assert {p.details["start_basis"] for p in source.prices} == {"models.dev commit", "documented", "first observed"}
    assert all(p.source_url.startswith("https://") for p in source.prices)


def test_same_price_recorded_again_stays_one_period_dated_by_the_first(source):
    # Corrected on 2025-11-24 from Anthropic's announcement; models.dev recorded the same prices on the 26th.
    (standard,) = periods(source, "anthropic", "claude-opus-4-5", "standard")
    assert (standard.effective_from, standard.effective_to) == (date(2025, 11, 24), None)
    assert standard.details["start_basis"] == "documented"
    assert standard.prices["cache_read_per_million"] == Decimal("0.5")
    assert standard.details["cache_write_1h_multiple"] == Decimal("2.0")


def test_long_context_tier(source):
    before, after = periods(source, "openai", "gpt-5.6-sol", "long-context")
    assert after.details["above_input_tokens"] == 272000
    assert (after.prices["input_per_million"], after.prices["output_per_million"]) == (Decimal("8.0"), Decimal("30.0"))
    assert before.effective_to == date(2026, 8, 20)
    # A tier that states no cache prices keeps the base's, as the package prices a request.
    (tier, _) = periods(source, "alibaba", "qwen-plus", "long-context")
    assert tier.prices == {"input_per_million": Decimal("1.2"), "output_per_million": Decimal("3.6")}
    assert all("above_input_tokens" in p.details for p in source.prices if "long-context" in p.tier)


def test_alternate_modes_are_tiers(source):
    assert periods(source, "openai", "gpt-5.6-sol", "fast")[-1].prices["input_per_million"] == Decimal("8.0")
    assert periods(source, "alibaba", "qwen-plus", "thinking")[-1].prices["output_per_million"] == Decimal("4.0")
    assert periods(source, "openai", "gpt-5.6-sol", "batch-long-context")[-1].details["above_input_tokens"] == 272000


def test_time_of_day_schedules_are_tiers_with_their_window(source):
    standard = periods(source, "deepseek", "deepseek-chat", "standard")[-1]
    (peak,) = periods(source, "deepseek", "deepseek-chat", "peak")
    assert peak.effective_from == date(2026, 8, 16)
    assert peak.prices["input_per_million"] == standard.prices["input_per_million"] * 2
    assert peak.details["time_of_day"] == [
        {"start": "01:00", "end": "04:00", "tz": "UTC"},
        {"start": "06:00", "end": "10:00", "tz": "UTC"},
    ]
    assert (peak.details["weekdays_only"], peak.details["except_holidays"]) == (True, "cn")
    assert peak.source_url == "https://api-docs.deepseek.com/zh-cn/updates"
    # DeepSeek's 2025 night discount ended at 16:00 UTC on 2025-09-05.
    off_peak = periods(source, "deepseek", "deepseek-chat", "off-peak")
    assert off_peak[-1].effective_to == date(2025, 9, 4)
    assert off_peak[0].details["time_of_day"] == [{"start": "16:30", "end": "00:30", "tz": "UTC"}]
    assert off_peak[0].prices["input_per_million"] == Decimal("0.135")


def test_periods_are_what_the_package_charges_at_the_end_of_their_days(source, snapshot):
    modes = {"standard": None, "batch": "batch", "fast": "fast", "thinking": "thinking", "flex": "flex"}
    # The package applies time-of-day rules to these lookups: their tiers are tested above.
    scheduled = {("alibaba", "deepseek-v4-flash-0731")} | {
        ("deepseek", model) for model in snapshot["prices"]["deepseek"]
    }
    checked = 0
    for price in source.prices:
        if price.tier not in modes or (price.provider, price.model) in scheduled:
            continue
        if package.resolve(price.model, provider=price.provider, strict=True) != (price.provider, price.model):
            continue  # an alias key that names another model
        for day in filter(None, (price.effective_from, price.effective_to)):
            at = datetime.combine(day, time(23, 59, 59), tzinfo=UTC)
            rates = package.rates(price.model, provider=price.provider, at=at, mode=modes[price.tier])
            charged = {column: getattr(rates, key) for key, column in model_prices.RATES.items()}
            assert {column: float(value) for column, value in price.prices.items()} == {
                column: value for column, value in charged.items() if value is not None
            }, (price, day)
            checked += 1
    assert checked >= 1200  # both ends of most mode periods


def test_periods_of_a_tier_do_not_overlap(source):
    by_tier = defaultdict(list)
    for price in source.prices:
        by_tier[(price.provider, price.model, price.tier)].append(price)
    for series in by_tier.values():
        assert all(p.effective_to is None or p.effective_to >= p.effective_from for p in series)
        for earlier, later in zip(series, series[1:], strict=False):
            assert earlier.effective_to is not None and earlier.effective_to < later.effective_from


def test_counts_against_the_snapshot(source, snapshot):
    assert [p.key for p in source.providers] == sorted(snapshot["prices"])
    models = [(lab, model) for lab in sorted(snapshot["prices"]) for model in sorted(snapshot["prices"][lab])]
    assert [(o.provider, o.key) for o in source.offers] == models
    assert {(p.provider, p.model) for p in source.prices} == set(models)
    # A model's current standard price is there exactly when its last standard entry has rates.
    current = {(p.provider, p.model) for p in source.prices if p.tier == "standard" and p.effective_to is None}
    priced_now = {(lab, model) for lab, model in models if snapshot["prices"][lab][model]["standard"][-1]["rates"]}
    assert current == priced_now
    # This release: upgrading the package changes these on purpose.
    assert (len(source.providers), len(source.offers), len(source.prices)) == (32, 575, 1269)


def test_every_field_is_in_the_contract(source):
    assert {key for offer in source.offers for key in offer.fields} <= set(OFFER_FIELDS)
    assert {key for price in source.prices for key in price.prices} <= set(PRICE_FIELDS)
    assert all(isinstance(value, Decimal) for price in source.prices for value in price.prices.values())


def test_source_info(source, snapshot):
    info = source.info
    assert (info.name, info.version, info.licence, info.url) == (
        "model-prices",
        "0.0.5",
        "MIT",
        "https://model-prices.com",
    )
    assert info.snapshot_date == date(2026, 10, 26)
    assert info.snapshot_date >= package.data_as_of().date()
    assert max(p.effective_from for p in source.prices) <= info.snapshot_date


def test_load_makes_no_network_call_and_gives_the_same_twice(monkeypatch, source):
    def refuse(*args, **kwargs):
        raise AssertionError("model_prices.load() reached for the network")

    # Undone before the fixtures' teardown, which may open the test's first Redis connection.
    with monkeypatch.context() as patched:
        patched.setattr(urllib.request, "urlopen", refuse)
        patched.setattr(socket, "create_connection", refuse)
        patched.setattr(socket.socket, "connect", refuse)
        assert model_prices.load() == model_prices.load() == source
