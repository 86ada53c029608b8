"""Database guarantees of the catalog, exercised in SQL (as any client would hit them)."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from tests.db import sql as _sql

from .factories import AIModelFactory, BenchmarkSuiteFactory, PricingFactory, ProviderFactory

pytestmark = pytest.mark.django_db


def _rejected(statement: str, params=None, constraint: str = "") -> str:
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        _sql(statement, params)
    assert constraint in str(excinfo.value)
    return str(excinfo.value)


@pytest.fixture
def model():
    return AIModelFactory(slug="gpt-4o")


def _insert_price(model_id, **overrides):
    row = {
        "tier": "standard",
        "currency": "USD",
        "input": 1,
        "output": 2,
        "start": "2025-01-01",
        "end": None,
        "region": None,
    }
    row.update(overrides)
    _sql(
        """INSERT INTO pricing (model_id, tier, region, currency, input_per_million, output_per_million,
                                effective_from, effective_to)
           VALUES (%(model)s, %(tier)s, %(region)s, %(currency)s, %(input)s, %(output)s, %(start)s, %(end)s)""",
        {**row, "model": model_id},
    )


def test_raw_insert_gets_database_defaults():
    _sql("INSERT INTO providers (slug, name) VALUES ('acme', 'Acme')")
    row = _sql(
        "SELECT id, regions = '[]'::jsonb, metadata = '{}'::jsonb, created_at, updated_at"
        " FROM providers WHERE slug = 'acme'"
    )[0]
    assert row[0] is not None and row[1] and row[2]
    assert row[3] is not None and row[3] == row[4]


@pytest.mark.parametrize(
    "overrides, constraint",
    [
        ({"input": -1}, "pricing_input_per_million_non_negative"),
        ({"output": -0.0001}, "pricing_output_per_million_non_negative"),
        ({"start": "2025-02-01", "end": "2025-01-31"}, "pricing_effective_range"),
        ({"currency": "usd"}, "pricing_currency_iso"),
        ({"currency": "US1"}, "pricing_currency_iso"),
    ],
)
def test_pricing_rejects_bad_rows(model, overrides, constraint):
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        _insert_price(model.id, **overrides)
    assert constraint in str(excinfo.value)


def test_pricing_accepts_a_one_day_period_and_an_open_end(model):
    _insert_price(model.id, start="2025-01-01", end="2025-01-01")
    _insert_price(model.id, start="2025-01-02", end=None)
    assert _sql("SELECT count(*) FROM pricing WHERE model_id = %s", [model.id])[0][0] == 2


def test_pricing_periods_for_the_same_key_cannot_overlap(model):
    _insert_price(model.id, start="2025-01-01", end="2025-06-30")
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        _insert_price(model.id, start="2025-06-30", end=None)
    assert "pricing_no_overlap" in str(excinfo.value)
    # Same dates are fine for another tier, region or currency.
    _insert_price(model.id, tier="batch", start="2025-01-01")
    _insert_price(model.id, region="eu-west", start="2025-01-01")
    _insert_price(model.id, currency="EUR", start="2025-01-01")


def test_global_price_periods_cannot_overlap_even_though_region_is_null(model):
    _insert_price(model.id, start="2025-01-01")
    with pytest.raises(IntegrityError), transaction.atomic():
        _insert_price(model.id, start="2025-03-01")


@pytest.mark.parametrize(
    "column, value, constraint",
    [
        ("score_normalized", 100.01, "benchmark_scores_normalized_range"),
        ("score_normalized", -1, "benchmark_scores_normalized_range"),
        ("percentile", 101, "benchmark_scores_percentile_range"),
        ("percentile", -1, "benchmark_scores_percentile_range"),
    ],
)
def test_benchmark_scores_stay_in_range(model, column, value, constraint):
    suite = BenchmarkSuiteFactory()
    _rejected(
        f"INSERT INTO benchmark_scores (model_id, suite_id, score_raw, evaluation_date, {column}) "
        "VALUES (%s, %s, 1, '2025-01-01', %s)",
        [model.id, suite.id, value],
        constraint,
    )


def test_one_score_per_model_suite_and_date(model):
    suite = BenchmarkSuiteFactory()
    insert = "INSERT INTO benchmark_scores (model_id, suite_id, score_raw, evaluation_date) VALUES (%s, %s, 1, %s)"
    _sql(insert, [model.id, suite.id, "2025-01-01"])
    _rejected(insert, [model.id, suite.id, "2025-01-01"], "benchmark_scores_model_id_suite_id_evaluation_date_key")
    _sql(insert, [model.id, suite.id, "2025-01-02"])


def test_one_endpoint_per_model_and_region(model):
    insert = "INSERT INTO model_endpoints (model_id, region, endpoint_url) VALUES (%s, 'us-east', 'https://a')"
    _sql(insert, [model.id])
    _rejected(insert, [model.id], "idx_endpoints_model_region")


def test_slugs_are_unique():
    ProviderFactory(slug="acme")
    _rejected("INSERT INTO providers (slug, name) VALUES ('acme', 'Other')", constraint="idx_providers_slug")


@pytest.mark.parametrize(
    "name, constraint",
    [
        ('{"zh-CN": "模型"}', "models_name_has_en_us"),
    ],
)
def test_model_names_need_english(name, constraint):
    provider = ProviderFactory()
    _rejected("INSERT INTO models (provider_id, slug, name) VALUES (%s, 'm', %s)", [provider.id, name], constraint)


@pytest.mark.parametrize(
    "columns, values, constraint",
    [
        ("context_window", "0", "models_context_window_positive"),
        ("max_output_tokens", "-5", "models_max_output_tokens_positive"),
        ("released_at, deprecated_at", "'2025-01-02', '2025-01-01'", "models_deprecated_after_release"),
        ("deprecated_at, sunset_at", "'2025-01-02', '2025-01-01'", "models_sunset_after_deprecation"),
    ],
)
def test_model_lifecycle_and_limits_are_checked(columns, values, constraint):
    provider = ProviderFactory()
    _rejected(
        f"INSERT INTO models (provider_id, slug, name, {columns}) VALUES (%s, 'm', '{{\"en-US\": \"M\"}}', {values})",
        [provider.id],
        constraint,
    )


def test_deleting_a_provider_in_sql_cascades_to_everything_below_it(model):
    PricingFactory(model=model)
    _sql("INSERT INTO model_endpoints (model_id, region, endpoint_url) VALUES (%s, 'us-east', 'https://a')", [model.id])
    _sql(
        "INSERT INTO documentation (model_id, doc_type, title, url) VALUES (%s, 'api', '{\"en-US\": \"Docs\"}', 'https://d')",
        [model.id],
    )
    suite = BenchmarkSuiteFactory()
    _sql(
        "INSERT INTO benchmark_scores (model_id, suite_id, score_raw, evaluation_date)"
        " VALUES (%s, %s, 1, '2025-01-01')",
        [model.id, suite.id],
    )

    _sql("DELETE FROM providers WHERE id = %s", [model.provider_id])
    _sql("SET CONSTRAINTS ALL IMMEDIATE")

    for table in ["models", "pricing", "model_endpoints", "documentation", "benchmark_scores"]:
        assert _sql(f"SELECT count(*) FROM {table}")[0][0] == 0, table
    assert _sql("SELECT count(*) FROM benchmark_suites")[0][0] == 1


def test_updated_at_moves_on_a_real_change_only(model):
    old = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    # The trigger runs on UPDATE only, so an INSERT can plant an old timestamp to compare with.
    _sql("INSERT INTO providers (slug, name, updated_at) VALUES ('p', 'P', %s)", [old])

    _sql("UPDATE providers SET name = name WHERE slug = 'p'")
    assert _sql("SELECT updated_at FROM providers WHERE slug = 'p'")[0][0] == old

    _sql("UPDATE providers SET updated_at = '2030-01-01' WHERE slug = 'p'")
    assert _sql("SELECT updated_at FROM providers WHERE slug = 'p'")[0][0] == old, "cannot be set by hand"

    _sql("UPDATE providers SET name = 'Renamed' WHERE slug = 'p'")
    new = _sql("SELECT updated_at, now() FROM providers WHERE slug = 'p'")[0]
    assert new[0] == new[1] and new[0] > old


def test_updated_at_trigger_through_the_orm():
    from catalog.models import AIModel

    provider = ProviderFactory()
    _sql(
        "INSERT INTO models (provider_id, slug, name, updated_at) VALUES (%s, 'm', '{\"en-US\": \"M\"}', '2020-01-01')",
        [provider.id],
    )
    model = AIModel.objects.get(slug="m")
    model.save()  # nothing changed
    model.refresh_from_db()
    assert model.updated_at.year == 2020
    model.context_window = 64000
    model.save()
    model.refresh_from_db()
    assert model.updated_at.year > 2020
