"""The events the catalog's own writes leave in catalog_changes, in the same transaction."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction

from catalog.changes import IMPORTER, actor_set
from catalog.models import AIModel, ChangeEvent, Pricing
from tests.catalog.factories import (
    AIModelFactory,
    BenchmarkScoreFactory,
    PricingFactory,
    ProviderFactory,
)
from tests.db import sql

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def _events(*types: str) -> list[ChangeEvent]:
    events = ChangeEvent.objects.order_by("id")
    return list(events.filter(type__in=types) if types else events)


def test_a_new_model_is_announced_with_what_a_reader_sees_of_it():
    AIModelFactory(slug="gpt-4o", provider=ProviderFactory(slug="openai"), context_window=128000)

    [event] = _events()
    assert (event.type, event.subject_kind, event.subject, event.model, event.provider) == (
        "model.created",
        "model",
        "gpt-4o",
        "gpt-4o",
        "openai",
    )
    assert event.payload["after"] == {
        "slug": "gpt-4o",
        "name": {"en-US": "Gpt-4O"},
        "context_window": 128000,
        "modalities": ["text"],
        "capabilities": ["streaming"],
        "is_active": True,
    }
    assert event.source == {"kind": "system"}


def test_an_update_names_each_field_changed_with_before_and_after(model):
    model.context_window, model.max_output_tokens = 200000, 16384
    model.metadata = {"note": "not public"}
    model.save()
    model.save()  # nothing changed: no event

    [event] = _events("model.updated")
    assert event.payload == {
        "fields": ["context_window", "max_output_tokens"],
        "before": {"context_window": 128000},
        "after": {"context_window": 200000, "max_output_tokens": 16384},
    }


def test_deprecation_is_its_own_event_not_an_update(model):
    AIModel.objects.filter(pk=model.pk).update(deprecated_at=TODAY, sunset_at=TODAY + datetime.timedelta(days=90))

    assert [event.type for event in _events()] == ["model.deprecated"]
    sunset = (TODAY + datetime.timedelta(days=90)).isoformat()
    assert _events("model.deprecated")[0].payload == {
        "deprecated_at": TODAY.isoformat(),
        "sunset_at": sunset,
        "before": {},
        "after": {"deprecated_at": TODAY.isoformat(), "sunset_at": sunset},
    }


def test_a_new_price_period_says_old_and_new_and_the_percent(model):
    PricingFactory(model=model, input_per_million=Decimal("2.50"), output_per_million=Decimal("10"))
    Pricing.objects.filter(model=model).update(effective_to=TODAY - datetime.timedelta(days=1))
    PricingFactory(
        model=model, input_per_million=Decimal("2.00"), output_per_million=Decimal("10"), effective_from=TODAY
    )

    added, change = _events("price.changed")
    assert added.payload["before"] is None and added.payload["after"]["input_per_million"] == 2.5
    assert change.payload == {
        "tier": "standard",
        "region": None,
        "currency": "USD",
        "effective_from": TODAY.isoformat(),
        "before": {"input_per_million": 2.5, "output_per_million": 10.0},
        "after": {"input_per_million": 2.0, "output_per_million": 10.0},
        "percent": {"input_per_million": -20.0, "output_per_million": 0.0},
    }


def test_a_price_set_for_a_later_day_is_scheduled_and_closing_a_period_says_nothing(model):
    current = PricingFactory(model=model)
    current.effective_to = TODAY + datetime.timedelta(days=9)
    current.save()
    PricingFactory(model=model, input_per_million=Decimal("3"), effective_from=TODAY + datetime.timedelta(days=10))

    assert [event.type for event in _events("price.changed", "price.scheduled")] == [
        "price.changed",
        "price.scheduled",
    ]
    assert _events("price.scheduled")[0].payload["percent"] == {"input_per_million": 20.0, "output_per_million": 0.0}


def test_a_models_first_prices_written_with_it_need_no_event_of_their_own():
    with transaction.atomic():
        PricingFactory(model__slug="new-model")

    assert [event.type for event in _events()] == ["model.created"]


def test_the_importer_and_its_source_are_named(model):
    price = PricingFactory(model=model, metadata={"source": "models.dev"})
    with transaction.atomic():
        actor_set(IMPORTER)
        Pricing.objects.filter(pk=price.pk).update(input_per_million=Decimal("1"))

    assert _events("price.changed")[-1].source == {"kind": "importer", "actor": IMPORTER, "data": "models.dev"}


def test_an_editors_save_names_the_editor_and_not_the_rows_old_source(client, editor, model):
    model.metadata = {"source": "genai-prices"}
    model.save()
    with transaction.atomic():
        actor_set(f"user:{editor.pk}:editor")
        AIModel.objects.filter(pk=model.pk).update(context_window=1000)

    assert _events("model.updated")[0].source == {"kind": "editor", "actor": f"user:{editor.pk}:editor"}


def test_a_benchmark_score_is_announced_but_not_a_demo_one(model):
    BenchmarkScoreFactory(model=model, suite__slug="mmlu", source="llm-stats", source_url="https://example.com/s")
    BenchmarkScoreFactory(model=model, suite__slug="gsm8k", source="demo")

    [event] = _events("benchmark.scored")
    assert event.payload == {
        "suite": "mmlu",
        "after": {"score": 80.5, "score_normalized": 80.5},
        "evaluation_date": "2025-01-15",
        "source_url": "https://example.com/s",
    }


def test_the_app_role_may_add_events_but_never_change_or_remove_one(model):
    with pytest.raises(Exception, match="permission denied"), transaction.atomic():
        sql("UPDATE catalog_changes SET type = 'x'")
    with pytest.raises(Exception, match="permission denied"), transaction.atomic():
        sql("DELETE FROM catalog_changes")
    assert sql("SELECT count(*) FROM catalog_changes") == [(0,)]


def test_a_rolled_back_change_leaves_no_event(model):
    with pytest.raises(RuntimeError), transaction.atomic():
        AIModel.objects.filter(pk=model.pk).update(context_window=1)
        raise RuntimeError

    assert _events("model.updated") == []
