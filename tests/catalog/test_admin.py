"""The editors' back office: access, lists, search, filters and clear form errors."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission, User
from django.urls import reverse

from catalog.models import (
    AIModel,
    BenchmarkScore,
    BenchmarkSuite,
    CanonicalModel,
    Documentation,
    ExchangeRate,
    ModelEndpoint,
    Pricing,
    Provider,
    SourceDisagreement,
    SourceImport,
    SourceMapping,
    SourceObservation,
    SourceValue,
)

from .factories import (
    AIModelFactory,
    BenchmarkScoreFactory,
    CanonicalModelFactory,
    DocumentationFactory,
    PricingFactory,
    ProviderFactory,
    SourceValueFactory,
)

pytestmark = pytest.mark.django_db

CATALOG_MODELS = [
    Provider,
    AIModel,
    ModelEndpoint,
    Pricing,
    BenchmarkSuite,
    BenchmarkScore,
    Documentation,
    ExchangeRate,
]


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


# What the source import writes: editors map ids, decide disagreements, and read the rest.
SOURCE_MODELS = [CanonicalModel, SourceMapping, SourceDisagreement, SourceImport, SourceObservation, SourceValue]
EDITOR_ADDS = [CanonicalModel, SourceMapping]  # the import alone adds the others


@pytest.fixture
def catalog_rows():
    """One row in every catalog table, so lists and change pages render real data."""
    model = AIModelFactory(name={"en-US": "GPT-4o", "zh-CN": "智能模型"}, modalities=["text", "image"])
    PricingFactory(model=model)
    DocumentationFactory(model=model)
    ExchangeRate.objects.create(currency="JPY", rate="160.5", effective_date="2026-01-02")
    BenchmarkScoreFactory(model=model)
    model.endpoints.create(region="us-east", endpoint_url="https://api.example.com")
    return model


@pytest.fixture
def source_rows(catalog_rows):
    """One row in every table of the sources, about `catalog_rows`."""
    canonical = CanonicalModelFactory()
    catalog_rows.canonical_model = canonical
    catalog_rows.save()
    run = SourceImport.objects.create(source="models.dev", version="1.0", status="done", counts={"new": 1})
    key = "openai/gpt-4o"
    SourceObservation.objects.create(
        source="models.dev", subject="offer", source_key=key, field="context_window", value=1, source_import=run
    )
    SourceValueFactory(source_key=key, target_id=catalog_rows.pk)
    SourceMapping.objects.create(source="models.dev", subject="offer", source_key=key, model=catalog_rows)
    SourceDisagreement.objects.create(
        subject="canonical", target_id=canonical.pk, field="context_window", values={"models.dev": 1, "llm-stats": 2}
    )


def test_editors_group_holds_exactly_the_catalog_permissions():
    permissions = Group.objects.get(name="Editors").permissions.filter(content_type__app_label="catalog")
    codenames = set(permissions.values_list("content_type__app_label", "codename"))
    expected = {
        ("catalog", f"{action}_{model._meta.model_name}")
        for model in [*CATALOG_MODELS, *SOURCE_MODELS]
        for action in model._meta.default_permissions
    }
    assert codenames == expected
    assert Permission.objects.filter(content_type__app_label="catalog").count() == len(expected)


@pytest.mark.parametrize("model", CATALOG_MODELS, ids=lambda m: m._meta.model_name)
@pytest.mark.parametrize("view", ["changelist", "add"])
def test_editor_opens_every_catalog_list_and_add_page(client, editor, catalog_rows, model, view):
    assert client.get(_url(model, view)).status_code == 200


@pytest.mark.parametrize("model", CATALOG_MODELS, ids=lambda m: m._meta.model_name)
def test_editor_opens_every_catalog_change_page(client, editor, catalog_rows, model):
    obj = model.objects.first()
    assert client.get(_url(model, "change", obj.pk)).status_code == 200


@pytest.mark.parametrize("model", SOURCE_MODELS, ids=lambda m: m._meta.model_name)
def test_editor_opens_every_source_list_and_change_page(client, editor, source_rows, model):
    assert client.get(_url(model, "changelist")).status_code == 200
    assert client.get(_url(model, "change", model.objects.first().pk)).status_code == 200
    assert client.get(_url(model, "add")).status_code == (200 if model in EDITOR_ADDS else 403)


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label)
def test_anonymous_visitors_are_sent_to_the_login_page(client, model):
    for view in ("changelist", "add"):
        response = client.get(_url(model, view))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label)
def test_superuser_opens_every_registered_list(admin_client, source_rows, model):
    assert admin_client.get(_url(model, "changelist")).status_code == 200


def test_staff_without_the_editors_group_is_refused(client):
    client.force_login(User.objects.create_user("visitor", password="pw", is_staff=True))
    assert client.get(_url(AIModel, "changelist")).status_code == 403


def test_editor_cannot_manage_users(client, editor):
    assert client.get(_url(User, "changelist")).status_code == 403


def test_model_search_matches_a_chinese_name(client, editor, catalog_rows):
    AIModelFactory(slug="other")
    response = client.get(_url(AIModel, "changelist"), {"q": "智能"})
    assert [m.slug for m in response.context["cl"].result_list] == [catalog_rows.slug]


@pytest.mark.parametrize(
    "params, expected",
    [({"modalities": "image"}, True), ({"modalities": "video"}, False), ({"capabilities": "streaming"}, True)],
)
def test_model_list_filters_by_array_values(client, editor, catalog_rows, params, expected):
    response = client.get(_url(AIModel, "changelist"), params)
    assert (catalog_rows in response.context["cl"].result_list) is expected


def test_provider_list_filters_by_region(client, editor):
    eu = ProviderFactory(regions=["eu-west"])
    ProviderFactory(regions=["us-east"])
    response = client.get(_url(Provider, "changelist"), {"regions": "eu-west"})
    assert list(response.context["cl"].result_list) == [eu]


def _inline(prefix: str, rows: list[dict]) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{field}": value for field, value in row.items()})
    return data


def _model_form(provider, *, endpoints=(), pricing=(), documentation=(), **fields) -> dict:
    data = {
        "provider": str(provider.pk),
        "slug": "new-model",
        "name_en-US": "New model",
        "name_zh-CN": "新模型",
        "modalities": ["text"],
        "capabilities": ["streaming"],
        "is_active": "on",
        "metadata": "{}",
        **fields,
    }
    data.update(_inline("endpoints", list(endpoints)))
    data.update(_inline("pricing", list(pricing)))
    data.update(_inline("documentation", list(documentation)))
    return data


def _errors(response) -> str:
    """Every error message the admin shows on the page, main form and inlines."""
    messages = [str(error) for error in response.context["errors"]]
    for formset in response.context["inline_admin_formsets"]:
        messages += [str(error) for error in formset.formset.non_form_errors()]
        for form_errors in formset.formset.errors:
            messages += [str(error) for errors in form_errors.values() for error in errors]
    return " | ".join(messages)


PRICE = {
    "tier": "standard",
    "currency": "USD",
    "input_per_million": "2.5",
    "output_per_million": "10",
    "effective_from": "2025-01-01",
}


def test_editor_creates_a_model_with_endpoints_prices_and_docs(client, editor):
    provider = ProviderFactory()
    data = _model_form(
        provider,
        endpoints=[
            {"region": "us-east", "endpoint_url": "https://api.example.com/v1", "priority": "10", "is_active": "on"}
        ],
        pricing=[PRICE],
        documentation=[
            {
                "doc_type": "api",
                "title_en-US": "API",
                "title_ja-JP": "API リファレンス",
                "url": "https://d.example.com",
                "locale": "ja-JP",
            }
        ],
    )
    response = client.post(_url(AIModel, "add"), data)
    assert response.status_code == 302, _errors(response)
    model = AIModel.objects.get(slug="new-model")
    assert model.name == {"en-US": "New model", "zh-CN": "新模型"}
    assert model.endpoints.get().region == "us-east"
    assert str(model.pricing.get().input_per_million) == "2.5000"
    assert model.documentation.get().title == {"en-US": "API", "ja-JP": "API リファレンス"}


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"pricing": [{**PRICE, "input_per_million": "-1"}]}, "greater than or equal to 0"),
        ({"pricing": [{**PRICE, "effective_to": "2024-12-31"}]}, "“Effective to” cannot be before “effective from”"),
        ({"pricing": [{**PRICE, "effective_from": "2025-02-30"}]}, "Enter a valid date"),
        ({"pricing": [{**PRICE, "currency": "usd"}]}, "ISO 4217"),
        (
            {"endpoints": [{"region": "us-east", "endpoint_url": "https://a.example.com", "priority": "1"}] * 2},
            "Please correct the duplicate data for region.",
        ),
        (
            {"endpoints": [{"region": "mars-1", "endpoint_url": "https://a.example.com", "priority": "1"}]},
            "Select a valid choice",
        ),
        (
            {
                "documentation": [
                    {"doc_type": "api", "title_en-US": "API", "url": "https://d.example.com", "locale": "xx-XX"}
                ]
            },
            "Select a valid choice",
        ),
        ({"name_en-US": ""}, "en-US is required"),
        ({"modalities": ["smell"]}, "Select a valid choice"),
        ({"released_at": "2025-02-01", "deprecated_at": "2025-01-01"}, "cannot be deprecated before it is released"),
        ({"context_window": "0"}, "greater than or equal to 1"),
    ],
)
def test_admin_explains_bad_input_and_saves_nothing(client, editor, changes, message):
    provider = ProviderFactory()
    data = _model_form(
        provider,
        **{k: v for k, v in changes.items() if k not in ("pricing", "endpoints", "documentation")},
        **{k: changes[k] for k in ("pricing", "endpoints", "documentation") if k in changes},
    )
    response = client.post(_url(AIModel, "add"), data)
    assert response.status_code == 200
    assert message in _errors(response)
    assert not AIModel.objects.filter(slug="new-model").exists()


def test_admin_refuses_an_overlapping_price_period(client, editor):
    model = PricingFactory(effective_from="2025-01-01").model
    data = {**PRICE, "model": str(model.pk), "effective_from": "2025-03-01", "volume_discounts": "[]", "metadata": "{}"}
    response = client.post(_url(Pricing, "add"), data)
    assert response.status_code == 200
    assert "covers some of these dates" in str(response.context["errors"])
    assert model.pricing.count() == 1


def test_admin_refuses_unknown_regions_for_a_provider(client, editor):
    data = {"slug": "acme", "name": "Acme", "regions": ["us-east", "moon-1"], "metadata": "{}"}
    response = client.post(_url(Provider, "add"), data)
    assert response.status_code == 200
    assert "Select a valid choice" in str(response.context["errors"])
    assert not Provider.objects.filter(slug="acme").exists()
