"""Where each value on a model page comes from: a "sources" disclosure beside every fact and
price, prices in the currency they are published in, and prices that depend on the hour."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from aigo.site.catalog.time_of_day import hours_label, price_now
from catalog.models import ExchangeRate, Pricing
from tests.catalog.factories import PricingFactory, ProviderFactory
from tests.site.canonical_data import canonical, disclosures, offer, rows_of, section, source_prices, source_says

pytestmark = pytest.mark.django_db
UNSOURCED = {"Provider", "Offer of", "Maker"}  # who sells and makes it: the page's subject, not a value
FACTS = {
    "released_at": datetime.date(2025, 9, 29),
    "training_cutoff": datetime.date(2025, 7, 31),
    "context_window": 200_000,
    "max_output_tokens": 64_000,
    "modalities": ["text", "image"],
    "open_weights": False,
    "license": "Proprietary",
}


def _facts(html: str) -> dict[str, str]:
    """Each fact's label -> its value and what follows it (the disclosure opens there)."""
    found = re.findall(r"<dt>([^<]+)</dt>\s*<dd>(.*?)</dd>", section(html, "facts-heading"), re.S)
    return {label: value for label, value in found if label not in UNSOURCED}


@pytest.fixture
def sonnet():
    anthropic, bedrock = ProviderFactory(slug="anthropic", name="Anthropic"), ProviderFactory(slug="bedrock")
    resolved = {name: value.isoformat() if isinstance(value, datetime.date) else value for name, value in FACTS.items()}
    model = canonical("sonnet", anthropic, metadata={"resolved": resolved}, **FACTS)
    own = offer(model, anthropic, "sonnet", max_output_tokens=64_000)
    resold = offer(model, bedrock, "sonnet-bedrock")
    PricingFactory(
        model=own,
        tier="batch",
        input_per_million=Decimal("1.5"),
        output_per_million=Decimal("7.5"),
        effective_from=datetime.date(2025, 1, 1),
        metadata={"source": "genai-prices", "start_basis": "release_date"},
    )
    source_says(own, "models.dev", "context_window", 200_000)
    source_says(own, "genai-prices", "context_window", 200_000)
    source_says(own, "llm-stats", "context_window", 190_000)
    source_says(own, "models.dev", "released_at", "2025-09-29")
    source_prices(own, "genai-prices", input_per_million="3", output_per_million="15")
    source_prices(own, "models.dev", input_per_million="3.5", output_per_million="15")
    return {"model": model, "own": own, "resold": resold}


@pytest.mark.parametrize("path", ["/en-US/models/c/sonnet/", "/en-US/models/sonnet/", "/en-US/models/sonnet-bedrock/"])
def test_every_fact_and_price_on_a_model_page_carries_its_sources(client, sonnet, path):
    html = client.get(path).content.decode()
    facts = _facts(html)
    assert {"Context window", "Maximum output", "Training data until", "Open weights", "Licence"} <= set(facts)
    assert all('<details class="sources">' in value for value in facts.values())
    lifecycle = re.findall(r"<dd>(.*?)</dd>", section(html, "lifecycle-heading"), re.S)
    assert lifecycle and all('<details class="sources">' in value for value in lifecycle)
    offers = rows_of(section(html, "offers-heading"))
    assert len(offers) == 2 and all(disclosures(row) == 1 for row in offers)
    if "prices-heading" in html:
        prices = rows_of(section(html, "prices-heading"))
        assert prices and all(disclosures(row) == 1 for row in prices)


def test_a_disclosure_says_who_agrees_who_differs_and_when_it_was_checked(client, sonnet):
    context = _facts(client.get("/en-US/models/c/sonnet/").content.decode())["Context window"]
    assert "200,000 tokens" in context
    assert "Sources that agree: genai-prices, models.dev" in context
    assert "Sources that differ: llm-stats says 190,000" in context
    assert "Last checked:" in context and "set by an editor" not in context


def test_a_value_an_editor_set_says_so(client, sonnet):
    sonnet["model"].license = "Apache-2.0"
    sonnet["model"].save()
    licence = _facts(client.get("/en-US/models/c/sonnet/").content.decode())["Licence"]
    assert "Apache-2.0" in licence and "set by an editor" in licence


def test_a_price_disclosure_names_its_sources_and_how_its_start_was_found(client, sonnet):
    rows = rows_of(section(client.get("/en-US/models/sonnet/").content.decode(), "prices-heading"))
    standard = next(row for row in rows if "standard" in row)
    assert "Sources that agree: genai-prices" in standard and "models.dev says $3.50" in standard
    batch = next(row for row in rows if "batch" in row)
    assert "Starts on the model&#x27;s release." in batch and "Sources that agree: none" in batch


def test_a_price_is_shown_in_the_visitors_currency_and_as_published(client):
    day = timezone.localdate() - datetime.timedelta(days=1)
    ExchangeRate.objects.create(currency="USD", rate=Decimal("1.25"), effective_date=day)
    ExchangeRate.objects.create(currency="CNY", rate=Decimal("8"), effective_date=day)
    zhipu = ProviderFactory(slug="zhipu", name="Zhipu")
    glm = offer(canonical("glm", zhipu), zhipu, "glm", None)
    PricingFactory(
        model=glm,
        currency="CNY",
        input_per_million=Decimal("8"),
        output_per_million=Decimal("16"),
        metadata={"source": "genai-prices", "converted": {"by": "genai-prices", "from": "USD", "rate": "7.25"}},
    )
    html = client.get("/en-US/models/glm/").content.decode()
    prices = section(html, "prices-heading")
    assert '$1.25 <span class="muted">(CN¥8.00 as published)</span>' in prices  # 8 CNY = 1 EUR = 1.25 USD
    assert "1 CNY = 0.156 USD (editor, " in prices
    assert "genai-prices lists it in USD at a fixed rate of 7.25" in prices


def _tier(tier: str, *windows: tuple[str, str], tz: str = "UTC") -> Pricing:
    hours = [{"start": start, "end": end, "tz": tz} for start, end in windows]
    return Pricing(tier=tier, metadata={"time_of_day": hours} if hours else {})


def _at(hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 3, 2, hour, minute, tzinfo=datetime.UTC)


def test_the_price_now_follows_the_clock_across_midnight():
    standard, off_peak = _tier("standard", ("00:30", "16:30")), _tier("off-peak", ("16:30", "00:30"))
    rows = [standard, off_peak]
    assert price_now(rows, _at(12)) is standard
    assert price_now(rows, _at(16, 30)) is off_peak
    assert price_now(rows, _at(0, 15)) is off_peak
    assert price_now(rows, _at(0, 30)) is standard  # a window's end is the next one's start
    assert hours_label(off_peak) == "16:30–00:30 UTC"


def test_outside_every_window_the_standard_price_holds():
    standard, peak = _tier("standard"), _tier("peak", ("01:00", "04:00"), ("06:00", "10:00"))
    assert price_now([standard, peak], _at(2)) is peak
    assert price_now([standard, peak], _at(5)) is standard
    assert price_now([standard, _tier("batch")], _at(5)) is None  # no price depends on the hour
    assert price_now([_tier("standard", ("08:00", "09:00"), tz="Asia/Shanghai")], _at(0, 30)) is not None
    assert hours_label(peak) == "01:00–04:00 UTC, 06:00–10:00 UTC"


def test_the_model_page_shows_the_hours_and_marks_the_price_now(client):
    now = timezone.now().astimezone(datetime.UTC)
    soon, ago = (
        (now + datetime.timedelta(hours=1)).strftime("%H:%M"),
        (now - datetime.timedelta(hours=1)).strftime("%H:%M"),
    )
    deepseek = ProviderFactory(slug="deepseek", name="DeepSeek")
    chat = offer(canonical("chat", deepseek), deepseek, "chat", None)
    for tier, price, window in (("standard", "0.27", (soon, ago)), ("off-peak", "0.135", (ago, soon))):
        PricingFactory(
            model=chat,
            tier=tier,
            input_per_million=Decimal(price),
            metadata={"source": "genai-prices", "time_of_day": [{"start": window[0], "end": window[1], "tz": "UTC"}]},
        )
    rows = rows_of(section(client.get("/en-US/models/chat/").content.decode(), "prices-heading"))
    off_peak = next(row for row in rows if "off-peak" in row)
    standard = next(row for row in rows if "off-peak" not in row)
    assert f"{ago}–{soon} UTC" in off_peak and f"{soon}–{ago} UTC" in standard
    assert "price now" in off_peak and "price now" not in standard
