"""A model's API documents (detail, price history, compare) rendered to JSON by PostgreSQL.

One statement per document, a plpgsql function of migration 0012 (which keeps its plan for the
connection): the database joins the model's rows and builds the JSON text; Python only wraps it in
the response. The `sources` block is computed in Python (catalog.provenance) and stored in
model_provenance (migration 0012 says when it goes stale); a statement that finds it missing is
answered once more with the block computed here, which is stored for the next reads.

The serializers of catalog.api.serializers stay the definition of each document (and of the OpenAPI
schema): tests/catalog/test_documents.py checks both give the same documents.
"""

import datetime
import json
from collections.abc import Sequence

from django.db import DEFAULT_DB_ALIAS, connections

from aigo.api.locale import ALL
from aigo.i18n import fallback_chain
from aigo.release import release_id

from .api.serializers import sources_block
from .models import AIModel, Pricing
from .provenance import models_provenance, provenance_annotations

RECENT_SCORES = 20  # as the functions of migration 0012 have it

DETAIL = (
    "SELECT * FROM model_detail_document(%(slug)s, %(locale)s, %(chain)s, %(as_of)s, %(region)s, %(tier)s, "
    "%(today)s, %(release)s, %(sources)s)"
)
COMPARE = "SELECT * FROM models_compare_document(%(slugs)s, %(locale)s, %(chain)s, %(as_of)s)"
PRICE_HISTORY = "SELECT * FROM model_price_history_document(%(slug)s)"


def _locale_params(locale: str) -> dict:
    return {"locale": locale, "chain": None if locale == ALL else fallback_chain(locale)}


def _run(alias: str, statement: str, params: dict) -> tuple | None:
    with connections[alias].cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchone()


def model_document(
    slug: str,
    *,
    locale: str,
    as_of: datetime.date,
    today: datetime.date,
    region: str | None = None,
    tier: str | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> str | None:
    """The model detail (ModelDetailSerializer's document) as JSON text, or None without such a
    model: one statement, and three more on the first read after its sources changed."""
    params = {
        "slug": slug,
        "as_of": as_of,
        "region": region,
        "tier": tier,
        "today": today,
        "release": release_id(),
        "sources": None,
        **_locale_params(locale),
    }
    row = _run(using, DETAIL, params)
    if row is None:
        return None
    model_id, version, document = row
    if document is not None:
        return document
    try:
        params["sources"] = json.dumps(provenance_store(model_id, version=version, today=today))
    except AIModel.DoesNotExist:  # deleted since the first statement
        return None
    row = _run(using, DETAIL, params)
    return None if row is None else row[2]


def provenance_store(model_id, *, version: int | None, today: datetime.date) -> dict:
    """The model's `sources` block with every price row's, computed now and stored unless what it
    was computed from changed since `version` was read (a write marked it stale again)."""
    model = AIModel.objects.select_related("canonical_model").annotate(**provenance_annotations()).get(pk=model_id)
    prices = list(Pricing.objects.filter(model_id=model_id))
    block = sources_block(models_provenance([model], prices)[model_id], model_id)
    stored = {"model": model_id, "version": version, "today": today, "release": release_id(), "doc": json.dumps(block)}
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        if version is None:
            cursor.execute(
                "INSERT INTO model_provenance (model_id, computed_on, release, document) "
                "VALUES (%(model)s, %(today)s, %(release)s, %(doc)s) ON CONFLICT (model_id) DO NOTHING",
                stored,
            )
        else:
            cursor.execute(
                "UPDATE model_provenance SET computed_on = %(today)s, release = %(release)s, document = %(doc)s "
                "WHERE model_id = %(model)s AND version = %(version)s",
                stored,
            )
    return block


def price_history_document(slug: str, *, using: str = DEFAULT_DB_ALIAS) -> str | None:
    """Every price period of the model (PricingSerializer's rows) as JSON text, or None without such a model."""
    row = _run(using, PRICE_HISTORY, {"slug": slug})
    return None if row is None else row[1]


def compare_document(
    slugs: Sequence[str], *, locale: str, today: datetime.date, using: str = DEFAULT_DB_ALIAS
) -> tuple[str, list[str]]:
    """Compare's document for these models as JSON text, and the slugs of those that do not exist."""
    found, document = _run(using, COMPARE, {"slugs": list(slugs), "as_of": today, **_locale_params(locale)})
    return document, [slug for slug in slugs if slug not in found]
