"""Recording what a source states: every value as (subject, key, field) -> JSON, a new observation
only where the value changed (or the source stopped stating it), and the source's current values
with when an import last saw them."""

from collections.abc import Iterator
from dataclasses import asdict
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connection
from psycopg.types.json import Jsonb

from catalog.models import SourceImport, SourceValue
from catalog.sources.records import OFFER_FIELDS, PRICE_FIELDS, PriceRecord, SourceData

Key = tuple[str, str, str]  # (subject, source key, field)

PROVIDER_FIELDS = ("name", "website_url", "documentation_url", "pricing_url", "catalog_key")
PRICE_ATTRIBUTES = ("currency", "tier", "region", "effective_from", "effective_to", "source_url", "details")
BENCHMARK_FIELDS = ("name", "categories", "modality", "max_score", "description", "paper_url")
SCORE_FIELDS = ("maker", "base", "score", "normalized", "method", "source_url", "self_reported", "verified")


def offer_key(provider: str, model: str) -> str:
    return f"{provider}/{model}"


def price_key(price: PriceRecord) -> str:
    """One period of one series: the offer, tier, region, currency and start."""
    start = price.effective_from.isoformat() if price.effective_from else ""
    return f"{offer_key(price.provider, price.model)}|{price.tier}|{price.region or '*'}|{price.currency}|{start}"


def score_key(model: str, benchmark: str) -> str:
    return f"{model}|{benchmark}"


def as_json(value: Any) -> Any:
    """A value as stored and compared: dates ISO, money exact text, tuples lists."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [as_json(item) for item in value]
    if isinstance(value, dict):
        return {str(key): as_json(item) for key, item in value.items()}
    return value


def flatten(data: SourceData) -> dict[Key, Any]:
    """Every value the source states, keyed by subject, the source's own key and the field."""
    return {key: as_json(value) for key, value in _values(data) if value not in (None, "", [], {}, ())}


def _values(data: SourceData) -> Iterator[tuple[Key, Any]]:
    for provider in data.providers:
        yield from ((("provider", provider.key, name), getattr(provider, name)) for name in PROVIDER_FIELDS)
    for offer in data.offers:
        key = offer_key(offer.provider, offer.key)
        yield ("offer", key, "maker"), offer.maker
        yield ("offer", key, "base"), offer.base
        yield from ((("offer", key, name), value) for name, value in offer.fields.items() if name in OFFER_FIELDS)
    for price in data.prices:
        key = price_key(price)
        yield from ((("price", key, name), value) for name, value in price.prices.items() if name in PRICE_FIELDS)
        yield from ((("price", key, name), getattr(price, name)) for name in PRICE_ATTRIBUTES)
    for benchmark in data.benchmarks:
        yield from ((("benchmark", benchmark.key, name), getattr(benchmark, name)) for name in BENCHMARK_FIELDS)
    for score in data.scores:
        key = score_key(score.model, score.benchmark)
        fields = asdict(score)
        yield from ((("score", key, name), fields[name]) for name in SCORE_FIELDS)
        yield ("score", key, "evaluated_at"), score.evaluated_at


def observations_record(
    source_import: SourceImport, values: dict[Key, Any], targets: dict[tuple[str, str], Any]
) -> dict[str, int]:
    """Compare `values` with the source's current values and record the differences, each value
    pointing at the catalog row `targets` maps its (subject, key) to (a price: its offer's row).
    Returns counts: new (first stated), changed, withdrawn (no longer stated), unchanged."""
    source = source_import.source
    current = {
        (subject, key, field): (pk, value, target)
        for pk, subject, key, field, value, target in SourceValue.objects.filter(source=source).values_list(
            "pk", "subject", "source_key", "field", "value", "target_id"
        )
    }
    new, changed, retargeted = [], [], []
    for key, value in values.items():
        found = current.pop(key, None)
        target = _target(targets, key)
        if found is None:
            new.append((key, value, target))
        elif found[1] != value:
            changed.append((found[0], key, value, target))
        elif found[2] != target:
            retargeted.append((found[0], target))
    withdrawn = current  # what the source no longer states
    with connection.cursor() as cursor:
        # The import saw everything it still states now (changed values get their new `since` below).
        cursor.execute(
            "UPDATE source_values SET checked_at = now() WHERE source = %s AND NOT (id = ANY(%s))",
            [source, [found[0] for found in withdrawn.values()]],
        )
    stated = [(key, value) for key, value, _target in new] + [(key, value) for _pk, key, value, _target in changed]
    _copy_observations(source_import, stated, withdrawn)
    _copy_values(source_import, new)
    for pk, _key, value, target in changed:
        SourceValue.objects.filter(pk=pk).update(value=value, since=source_import.started_at, target_id=target)
    for pk, target in retargeted:  # an editor mapped the key to another row
        SourceValue.objects.filter(pk=pk).update(target_id=target)
    SourceValue.objects.filter(pk__in=[found[0] for found in withdrawn.values()]).delete()
    return {
        "new": len(new),
        "changed": len(changed),
        "withdrawn": len(withdrawn),
        "unchanged": len(values) - len(new) - len(changed),
    }


COPY_OBSERVATIONS = (
    "COPY source_observations (source, subject, source_key, field, value, observed_at, source_import_id) FROM STDIN"
)
COPY_VALUES = "COPY source_values (source, subject, source_key, field, value, since, checked_at, target_id) FROM STDIN"


def _copy_observations(source_import: SourceImport, stated: list[tuple[Key, Any]], withdrawn: dict) -> None:
    source, at = source_import.source, source_import.started_at
    connection.ensure_connection()
    with connection.connection.cursor() as cursor, cursor.copy(COPY_OBSERVATIONS) as copy:
        for (subject, key, field), value in stated:
            copy.write_row((source, subject, key, field, Jsonb(value), at, source_import.pk))
        for subject, key, field in withdrawn:
            copy.write_row((source, subject, key, field, None, at, source_import.pk))


def _copy_values(source_import: SourceImport, new: list[tuple[Key, Any, Any]]) -> None:
    source, at = source_import.source, source_import.started_at
    connection.ensure_connection()
    with connection.connection.cursor() as cursor, cursor.copy(COPY_VALUES) as copy:
        for (subject, key, field), value, target in new:
            copy.write_row((source, subject, key, field, Jsonb(value), at, at, target))


def _target(targets: dict[tuple[str, str], Any], key: Key) -> Any:
    subject, source_key, _field = key
    if subject == "price":  # a price points at its offer: its key begins with the offer's
        return targets.get(("offer", source_key.partition("|")[0]))
    return targets.get((subject, source_key))
