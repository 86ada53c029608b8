"""Fixtures of the catalog tests: a small catalog the API tests read, and every real source imported
once per test module (committed, removed at the end; each test rolls back on top of it)."""

import datetime
import uuid
from datetime import date

import pytest
from django.test import override_settings

from aigo.redis import redis_client
from catalog.listings import listings_refresh
from catalog.sources.apply.sync import sources_import
from tests.db import owner_connection

from .factories import (
    AIModelFactory,
    DocumentationFactory,
    ModelEndpointFactory,
    PricingFactory,
    ProviderFactory,
)


@pytest.fixture
def catalog():
    openai = ProviderFactory(slug="openai", name="OpenAI", regions=["us-east", "eu-west"])
    anthropic = ProviderFactory(slug="anthropic", name="Anthropic")
    deepseek = ProviderFactory(slug="deepseek", name="DeepSeek")
    gpt = AIModelFactory(
        provider=openai,
        slug="gpt-4o",
        foundation_model="gpt-4o",
        name={"en-US": "GPT-4o", "zh-CN": "GPT-4o（中文）", "ja-JP": "GPT-4o（日本語）"},
        description={"en-US": "Flagship multimodal model.", "zh-CN": "旗舰多模态模型。"},
        modalities=["text", "image"],
        capabilities=["function_calling", "streaming", "vision"],
        context_window=128000,
        released_at=datetime.date(2024, 5, 13),
    )
    mini = AIModelFactory(
        provider=openai,
        slug="gpt-4o-mini",
        name={"en-US": "GPT-4o mini"},
        modalities=["text"],
        capabilities=["streaming"],
        context_window=128000,
        released_at=datetime.date(2024, 7, 18),
    )
    claude = AIModelFactory(
        provider=anthropic,
        slug="claude-sonnet",
        name={"en-US": "Claude Sonnet"},
        modalities=["text", "image"],
        capabilities=["function_calling", "streaming"],
        context_window=200000,
        released_at=datetime.date(2024, 6, 20),
    )
    deep = AIModelFactory(
        provider=deepseek,
        slug="deepseek-chat",
        name={"en-US": "DeepSeek-V3", "zh-CN": "深度求索 V3"},
        modalities=["text"],
        capabilities=["function_calling"],
        context_window=64000,
        released_at=datetime.date(2024, 12, 26),
    )
    AIModelFactory(provider=openai, slug="old-model", name={"en-US": "Old model"}, is_active=False, context_window=8000)
    day = datetime.date
    PricingFactory(
        model=gpt,
        input_per_million=5,
        output_per_million=15,
        effective_from=day(2024, 5, 13),
        effective_to=day(2024, 9, 30),
    )
    PricingFactory(model=gpt, input_per_million="2.5", output_per_million=10, effective_from=day(2024, 10, 1))
    PricingFactory(
        model=gpt, tier="batch", input_per_million="1.25", output_per_million=5, effective_from=day(2024, 10, 1)
    )
    PricingFactory(
        model=gpt,
        region="eu-west",
        currency="EUR",
        input_per_million="2.3",
        output_per_million="9.2",
        effective_from=day(2024, 10, 1),
    )
    PricingFactory(model=mini, input_per_million="0.15", output_per_million="0.6", effective_from=day(2024, 7, 18))
    PricingFactory(model=claude, input_per_million=3, output_per_million=15, effective_from=day(2024, 6, 20))
    PricingFactory(model=deep, input_per_million="0.27", output_per_million="1.1", effective_from=day(2024, 12, 26))
    ModelEndpointFactory(model=gpt, region="eu-west", endpoint_url="https://eu.example.com", priority=20)
    ModelEndpointFactory(model=gpt, region="us-east", endpoint_url="https://us.example.com", priority=10)
    DocumentationFactory(model=gpt, title={"en-US": "API reference"}, url="https://docs.example.com/en", locale="en-US")
    DocumentationFactory(
        model=gpt,
        title={"en-US": "API reference (Japanese)", "ja-JP": "API リファレンス"},
        url="https://docs.example.com/ja",
        locale="ja-JP",
    )
    DocumentationFactory(
        model=gpt, title={"en-US": "Cookbook"}, url="https://docs.example.com/all", locale=None, doc_type="cookbook"
    )
    listings_refresh()
    return {"gpt": gpt, "mini": mini, "claude": claude, "deep": deep}


IMPORT_DAY = date(2026, 11, 2)
LATER = date(2026, 12, 10)


@pytest.fixture(scope="module")
def first_import(django_db_setup, django_db_blocker):
    prefix = f"test:{uuid.uuid4().hex[:12]}:"
    with django_db_blocker.unblock(), override_settings(AIGO_REDIS_PREFIX=prefix):
        yield sources_import(today=IMPORT_DAY)
        # The database cascades to models, prices and scores, without a signal per row.
        # The import's history is append-only for the app role: the owner clears it.
        with owner_connection() as owner:
            owner.execute(
                "TRUNCATE providers, canonical_models, benchmark_suites, source_imports, source_observations, "
                "source_values, source_mappings, source_disagreements, catalog_changes CASCADE"
            )
        listings_refresh()
        client = redis_client()
        for key in client.scan_iter(match=f"{prefix}*"):
            client.delete(key)


@pytest.fixture
def db_catalog(first_import, db):
    return first_import
