"""Benchmark scores on the model, compare and leaderboard pages: real ones with where they were
published and who measured them, LLM Stats credited; demo ones only while no real one exists."""

from decimal import Decimal

import pytest

from tests.catalog.factories import BenchmarkScoreFactory, BenchmarkSuiteFactory, ProviderFactory
from tests.site.canonical_data import canonical, offer, section

pytestmark = pytest.mark.django_db
CREDIT = "LLM Stats (llm-stats.com), CC BY 4.0"
PUBLISHED = "https://www.anthropic.com/news/sonnet"


@pytest.fixture
def sonnet():
    anthropic = ProviderFactory(slug="anthropic", name="Anthropic")
    model = canonical("sonnet", anthropic)
    return {"own": offer(model, anthropic, "sonnet"), "resold": offer(model, ProviderFactory(), "sonnet-resold")}


def _real(model, **fields):
    return BenchmarkScoreFactory(
        model=model,
        suite=BenchmarkSuiteFactory(slug="gpqa", name="GPQA"),
        score_normalized=Decimal("83.4"),
        is_official=True,
        source="llm-stats",
        source_url=PUBLISHED,
        method="0-shot CoT",
        is_self_reported=True,
        **fields,
    )


def _demo(model):
    suite = BenchmarkSuiteFactory(slug="mmlu-demo", name="MMLU (demo scores)", metadata={"source": "demo"})
    return BenchmarkScoreFactory(model=model, suite=suite, configuration={"source": "demo"}, is_official=False)


def test_a_model_page_shows_real_scores_with_where_they_were_published(client, sonnet):
    _real(sonnet["own"])
    _demo(sonnet["own"])
    for path in ("/en-US/models/c/sonnet/", "/en-US/models/sonnet-resold/"):  # the model's scores, on any offer
        html = client.get(path).content.decode()
        scores = section(html, "scores-heading")
        assert "GPQA" in scores and "83.4" in scores
        assert f'href="{PUBLISHED}"' in scores and "self-reported" in scores and "0-shot CoT" in scores
        assert "demo" not in scores
        assert CREDIT in html


def test_an_independently_verified_score_says_so_and_needs_no_credit(client, sonnet):
    BenchmarkScoreFactory(model=sonnet["own"], source="editor", is_verified=True, is_self_reported=False)
    html = client.get("/en-US/models/sonnet/").content.decode()
    assert "verified" in section(html, "scores-heading") and "self-reported" not in html
    assert CREDIT not in html


def test_demo_scores_show_only_while_the_catalog_has_no_real_score(client, sonnet, settings):
    # The page before and after a score is added, in one transaction: no commit invalidates the caches.
    settings.AIGO_RESPONSE_CACHE = settings.AIGO_FRAGMENT_CACHE = False
    _demo(sonnet["own"])
    assert "MMLU (demo scores)" in client.get("/en-US/models/sonnet/").content.decode()
    other = ProviderFactory()
    _real(offer(canonical("other", other), other, "other"))
    assert "MMLU (demo scores)" not in client.get("/en-US/models/sonnet/").content.decode()


def test_compare_shows_real_scores_with_their_origin_and_no_demo_ones(client, sonnet):
    _real(sonnet["own"])
    _demo(sonnet["resold"])
    html = client.get("/en-US/compare/?models=sonnet-resold,sonnet").content.decode()
    assert html.count(f'href="{PUBLISHED}"') == 2  # the model's score, for each of its offers
    assert "self-reported" in html and CREDIT in html
    assert "MMLU (demo scores)" not in html


def test_leaderboards_leave_demo_benchmarks_out_once_real_ones_exist(client, sonnet, settings):
    settings.AIGO_RESPONSE_CACHE = False
    _demo(sonnet["resold"])
    assert "MMLU (demo scores)" in client.get("/en-US/leaderboards/").content.decode()
    _real(sonnet["own"])
    html = client.get("/en-US/leaderboards/").content.decode()
    assert "GPQA" in html and "MMLU (demo scores)" not in html and 'href="?demo=1"' in html
    assert "MMLU (demo scores)" in client.get("/en-US/leaderboards/?demo=1").content.decode()
    assert "not published results" in client.get("/en-US/leaderboards/mmlu-demo/?unofficial=1").content.decode()


def test_a_leaderboard_links_each_score_to_where_it_was_published(client, sonnet):
    _real(sonnet["own"])
    html = client.get("/en-US/leaderboards/gpqa/").content.decode()
    assert f'href="{PUBLISHED}"' in html and "self-reported" in html and "0-shot CoT" in html
    assert CREDIT in html
