import io

import pytest
from django.core.management import call_command

from catalog.models import AIModel, BenchmarkScore, BenchmarkSuite, Documentation

from .factories import AIModelFactory, BenchmarkScoreFactory

pytestmark = pytest.mark.django_db


def _seed(*args) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def models():
    return {
        "gpt": AIModelFactory(slug="gpt-4o", foundation_model="gpt-4o", name={"en-US": "GPT-4o", "ko-KR": "GPT-4o"}),
        "azure": AIModelFactory(slug="gpt-4o-azure", foundation_model="gpt-4o"),
        "claude": AIModelFactory(slug="claude-sonnet-4-5", foundation_model="claude-sonnet-4-5"),
    }


def test_demo_scores_go_to_the_makers_model_and_are_unofficial(models):
    output = _seed()
    assert "scores created" in output and "models_skipped" in output
    assert set(BenchmarkScore.objects.values_list("model__slug", flat=True)) == {"gpt-4o", "claude-sonnet-4-5"}
    assert not BenchmarkScore.objects.filter(is_official=True).exists()
    assert all("(demo" in suite.name for suite in BenchmarkSuite.objects.all())


def test_seeding_twice_changes_nothing(models):
    _seed()
    before = [
        sorted(BenchmarkScore.objects.values_list("id", "score_raw")),
        sorted(Documentation.objects.values_list("id", "url")),
        list(AIModel.objects.order_by("slug").values_list("slug", "name", "description", "updated_at")),
    ]
    _seed()
    after = [
        sorted(BenchmarkScore.objects.values_list("id", "score_raw")),
        sorted(Documentation.objects.values_list("id", "url")),
        list(AIModel.objects.order_by("slug").values_list("slug", "name", "description", "updated_at")),
    ]
    assert after == before


def test_translations_are_added_without_dropping_existing_ones(models):
    _seed()
    gpt = AIModel.objects.get(slug="gpt-4o")
    assert gpt.name == {"en-US": "GPT-4o", "ko-KR": "GPT-4o", "zh-CN": "GPT-4o", "ja-JP": "GPT-4o"}
    assert "OpenAI" in gpt.description["zh-CN"]


def test_no_demo_scores_once_real_scores_exist(models):
    BenchmarkScoreFactory(model=models["gpt"], source="llm-stats", source_url="https://example.com/report")
    output = _seed()
    assert "scores created" not in output and "documentation created" in output
    assert not BenchmarkScore.objects.filter(source="demo").exists()
    assert not BenchmarkSuite.objects.filter(name__contains="(demo").exists()


def test_demo_scores_say_they_are_demo(models):
    _seed()
    assert set(BenchmarkScore.objects.values_list("source", flat=True)) == {"demo"}


def test_demo_rows_pass_model_validation(models):
    _seed()
    for model in (BenchmarkSuite, BenchmarkScore, Documentation, AIModel):
        for obj in model.objects.all():
            obj.full_clean()
