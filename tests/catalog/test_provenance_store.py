"""The `sources` blocks the model detail joins (model_provenance, catalog.documents): stored on a
first read, marked stale in the same transaction by every write to what they are computed from (for
every offer of the canonical model written to), never stored when computed from inputs a write has
since changed, and computed again on another day."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog.documents import model_document, provenance_store
from catalog.models import SourceValue

from .factories import PricingFactory
from .sourced import sourced_catalog
from .test_documents import serialized_detail

pytestmark = pytest.mark.django_db


def detail(slug: str) -> dict:
    today = timezone.localdate()
    return json.loads(model_document(slug, locale="en-US", as_of=today, today=today))


def stored() -> dict[str, tuple[int, bool]]:
    """Model slug -> (version, whether a block is stored)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT m.slug, p.version, p.document IS NOT NULL "
            "FROM model_provenance p JOIN models m ON m.id = p.model_id"
        )
        return {slug: (version, present) for slug, version, present in cursor.fetchall()}


@pytest.fixture
def offers():
    found = sourced_catalog()
    PricingFactory(model=found["c"], input_per_million="2", effective_from=datetime.date(2025, 1, 1))
    for slug in found:
        detail(slug)
    assert all(present for _version, present in stored().values()) and len(stored()) == 3
    return found


def test_a_sources_change_shows_up_in_the_detail_of_every_offer_of_the_model(offers):
    before = detail("b")
    # b's facts are its canonical model's, read from a's values as well as its own.
    SourceValue.objects.filter(target_id=offers["a"].pk, source="llm-stats", field="released_at").update(
        value="2024-12-01"
    )
    after = detail("b")
    today = timezone.localdate()
    assert after == serialized_detail("b", locale="en-US", as_of=today, region=None, tier=None)
    assert after["sources"]["facts"]["released_at"] != before["sources"]["facts"]["released_at"]


@pytest.mark.parametrize(
    ("statement", "stale"),
    [
        ("UPDATE source_values SET checked_at = now() WHERE target_id = %(a)s", {"a", "b"}),
        ("DELETE FROM source_values WHERE target_id = %(c)s", {"c"}),
        ("UPDATE source_disagreements SET status = 'resolved' WHERE target_id = %(b)s", {"a", "b"}),
        ("UPDATE models SET context_window = 5 WHERE id = %(c)s", {"c"}),
        ("UPDATE models SET canonical_model_id = %(dated)s WHERE id = %(c)s", {"a", "b", "c"}),
        ("UPDATE canonical_models SET released_at = '2025-01-03' WHERE id = %(dated)s", {"a", "b"}),
        ("UPDATE pricing SET input_per_million = 3 WHERE model_id = %(c)s", {"c"}),
    ],
)
def test_a_write_marks_the_stored_blocks_it_speaks_to_stale_in_sql(offers, statement, stale):
    ids = {name: model.pk for name, model in offers.items()} | {"dated": offers["a"].canonical_model_id}
    before = stored()
    with connection.cursor() as cursor:
        cursor.execute(statement, ids)
    assert stored() == {
        slug: (version + 1, False) if slug in stale else (version, True) for slug, (version, _) in before.items()
    }


def test_a_block_computed_before_an_overlapping_write_is_not_stored(offers):
    read, _ = stored()["a"]
    SourceValue.objects.filter(target_id=offers["a"].pk).update(checked_at=timezone.now())
    provenance_store(offers["a"].pk, version=read, today=timezone.localdate())
    provenance_store(offers["b"].pk, version=None, today=timezone.localdate())
    assert stored()["a"] == (read + 1, False)
    assert not stored()["b"][1]
    provenance_store(offers["a"].pk, version=read + 1, today=timezone.localdate())
    assert stored()["a"] == (read + 1, True)


def test_a_block_from_another_day_is_computed_again(offers):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE model_provenance SET computed_on = computed_on - 1")
    with CaptureQueriesContext(connection) as queries:
        detail("a")
    assert len(queries) == 5  # the statement, the model and its prices, the store, the statement again
    with CaptureQueriesContext(connection) as queries:
        detail("a")
    assert len(queries) == 1
