"""A small catalog described by several sources, whose quality figures are known by hand: the data
quality page and `manage.py sources_report` are checked against it."""

import uuid
from datetime import date

from catalog.models import SourceDisagreement, SourceImport

from .factories import (
    AIModelFactory,
    BenchmarkScoreFactory,
    CanonicalModelFactory,
    ProviderFactory,
    SourceValueFactory,
)


def source_price(offer, source: str, input_price: str) -> None:
    for field, value in [("input_per_million", input_price), ("output_per_million", "2"), ("currency", "USD")]:
        SourceValueFactory(
            source=source,
            subject="price",
            source_key=f"{offer.slug}|standard",
            field=field,
            value=value,
            target_id=offer.pk,
        )


def sourced_catalog() -> dict:
    """Three offers of one maker (two of one canonical model, dated; one of another, undated),
    described by models.dev and LLM Stats (release dates: one agreeing within a day, one not),
    priced by genai-prices and models.dev (one price agreeing within 0.5 %, one not), one real
    score, disagreements 2 open, 1 resolved, 1 superseded, and two imports (done, failed)."""
    acme = ProviderFactory(slug="acme", name="Acme")
    dated = CanonicalModelFactory(slug="dated", maker=acme, released_at=date(2025, 1, 1))
    undated = CanonicalModelFactory(slug="undated", maker=acme)
    a, b = (AIModelFactory(slug=slug, provider=acme, canonical_model=dated) for slug in ("a", "b"))
    c = AIModelFactory(slug="c", provider=acme, canonical_model=undated)
    said = {
        "models.dev": {a: "2025-01-01", b: "2025-02-01", c: "2025-05-05"},
        "llm-stats": {a: "2025-01-02", b: "2025-03-01"},  # a agrees within a day, b does not
    }
    for source, offers in said.items():
        for offer, released in offers.items():
            key = f"acme/{offer.slug}"
            SourceValueFactory(source=source, source_key=key, field="base", value=offer.slug, target_id=offer.pk)
            SourceValueFactory(source=source, source_key=key, field="released_at", value=released, target_id=offer.pk)
    source_price(a, "genai-prices", "1")
    source_price(a, "models.dev", "1.004")  # within 0.5 %
    source_price(b, "genai-prices", "1")
    source_price(b, "models.dev", "1.5")
    BenchmarkScoreFactory(model=a, source="llm-stats", source_url="https://example.com/card")
    for status, field in [("open", "released_at"), ("open", "context_window"), ("resolved", "license")]:
        SourceDisagreement.objects.create(subject="offer", target_id=b.pk, field=field, status=status)
    SourceDisagreement.objects.create(subject="offer", target_id=uuid.uuid4(), field="x", status="superseded")
    SourceImport.objects.create(source="models.dev", version="1.0.398", status="done")
    SourceImport.objects.create(source="llm-stats", version="872b75f", status="failed")
    return {"a": a, "b": b, "c": c}
