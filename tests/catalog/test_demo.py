import io

import pytest
from django.core.management import call_command

from catalog.models import AIModel, BenchmarkScore, BenchmarkSuite, Documentation, ModelEndpoint, Pricing, Provider

pytestmark = pytest.mark.django_db
TABLES = [Provider, AIModel, ModelEndpoint, Pricing, BenchmarkSuite, BenchmarkScore, Documentation]


def _load(*args) -> str:
    out = io.StringIO()
    call_command("load_demo_catalog", *args, stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in TABLES}


def test_demo_catalog_loads_every_table_and_reloads_without_duplicates():
    assert "created" in _load()
    first = _counts()
    assert all(first.values()), first
    _load()
    assert _counts() == first


def test_if_empty_leaves_an_existing_catalog_alone():
    _load()
    AIModel.objects.filter(slug="gpt-4o").update(context_window=1)
    assert "not loaded" in _load("--if-empty")
    assert AIModel.objects.get(slug="gpt-4o").context_window == 1


def test_demo_rows_pass_model_validation_and_are_labelled():
    _load()
    for model in TABLES:
        for obj in model.objects.all():
            obj.full_clean()
    assert not BenchmarkScore.objects.filter(is_official=True).exists()
    assert all(suite.metadata == {"source": "demo"} for suite in BenchmarkSuite.objects.all())
    assert "demo" in BenchmarkSuite.objects.first().name.lower()
