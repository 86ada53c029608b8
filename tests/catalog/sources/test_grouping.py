"""The import's own merges: a model a reseller lists under no known maker joins the known maker's
model of the same base, when there is exactly one."""

import pytest

from catalog.models import AIModel, CanonicalModel
from catalog.sources.apply.grouping import canonicals_consolidate
from tests.catalog.factories import AIModelFactory, CanonicalModelFactory, ProviderFactory

pytestmark = pytest.mark.django_db


def _canonical(key: str, **fields):
    return CanonicalModelFactory(
        key=key, slug=key.replace("/", "-").strip("@"), metadata={"created_by": "import"}, **fields
    )


def test_a_resellers_model_joins_its_makers_and_keeps_its_key_as_an_alias():
    drummer = _canonical("thedrummer/anubis-pro-105b-v1")
    resold = _canonical("@openrouter/anubis-pro-105b-v1")
    offer = AIModelFactory(provider=ProviderFactory(slug="openrouter"), canonical_model=resold)

    assert canonicals_consolidate() == 1

    offer.refresh_from_db()
    drummer.refresh_from_db()
    assert offer.canonical_model == drummer and "canonical_pinned" not in offer.metadata
    assert drummer.metadata["aliases"] == ["@openrouter/anubis-pro-105b-v1"]
    assert not CanonicalModel.objects.filter(pk=resold.pk).exists()
    assert canonicals_consolidate() == 0


def test_no_merge_when_two_makers_share_the_base_or_an_editor_made_it():
    _canonical("meta/llama-3-8b")
    _canonical("nvidia/llama-3-8b")
    ambiguous = _canonical("@groq/llama-3-8b")
    _canonical("openai/gpt-4o")
    edited = CanonicalModelFactory(key="@azure/gpt-4o", slug="azure-gpt-4o", metadata={"created_by": "editor"})
    AIModelFactory(canonical_model=ambiguous)

    assert canonicals_consolidate() == 0
    assert CanonicalModel.objects.filter(pk__in=[ambiguous.pk, edited.pk]).count() == 2
    assert AIModel.objects.get().canonical_model == ambiguous


def test_no_merge_when_an_editor_placed_an_offer_in_the_resellers_model():
    _canonical("thedrummer/anubis-pro-105b-v1")
    resold = _canonical("@openrouter/anubis-pro-105b-v1")
    AIModelFactory(canonical_model=resold, metadata={"canonical_pinned": True})

    assert canonicals_consolidate() == 0
    assert CanonicalModel.objects.filter(pk=resold.pk).exists()
