"""Price disagreements for the review queue: an offer's current standard price (global, in the
currency the catalog shows it in) whose sources differ beyond tolerance (0.5 %).

A case is about the offer (subject "price", the offer's id) and one component. An editor's
decision is written to the offer's current standard price row and marked there
(metadata["decided"]), so the price writers keep it; once a source changes its value the case is
superseded, the mark goes, and the source's value comes back.
"""

from collections import defaultdict
from datetime import date

from catalog.models import Pricing, SourceDisagreement, SourceValue

from .disagreements import disagreements_sync, snapshot
from .policy import Candidate, resolve

PRICE_COMPONENTS = ("input_per_million", "output_per_million")


def standard_prices_said(today: date) -> dict:
    """offer id -> source -> the fields of its standard global price in force on `today`."""
    periods: dict = defaultdict(dict)
    rows = SourceValue.objects.filter(subject="price").exclude(target_id=None)
    for target, source, key, name, value in rows.values_list("target_id", "source", "source_key", "field", "value"):
        periods[(target, source, key)][name] = value
    found: dict = defaultdict(dict)
    for (target, source, _key), values in periods.items():
        start, end = values.get("effective_from"), values.get("effective_to")
        in_force = (start is None or date.fromisoformat(start) <= today) and (
            end is None or date.fromisoformat(end) >= today
        )
        if values.get("tier", "standard") == "standard" and values.get("region") is None and in_force:
            found[target].setdefault(source, values)
    return found


def standard_price_rows(offers, today: date) -> dict:
    """offer id -> its standard global price row in force on `today`."""
    rows = Pricing.objects.filter(model__in=offers, tier="standard", region=None, effective_from__lte=today).exclude(
        effective_to__lt=today
    )
    return {row.model_id: row for row in rows.order_by("effective_from")}  # the latest start wins


def _candidates(by_source: dict, row: Pricing, component: str, recency: dict[str, date]) -> list[Candidate]:
    """What each source says of one component, in the currency the catalog shows the price in."""
    return [
        Candidate(source, values[component], recency=recency.get(source, date.min))
        for source, values in sorted(by_source.items())
        if values.get("currency", "USD") == row.currency and component in values
    ]


def prices_review(today: date, recency: dict[str, date]) -> dict[str, int]:
    """Open a case per disputed component of each offer's current standard price; supersede the
    cases whose sources changed or agree again. After the price writers."""
    said = {offer: by_source for offer, by_source in standard_prices_said(today).items() if len(by_source) > 1}
    rows = standard_price_rows(list(said), today)
    cases, evaluated = [], set()
    for offer, by_source in said.items():
        row = rows.get(offer)
        if row is None:
            continue
        for component in PRICE_COMPONENTS:
            evaluated.add(("price", offer, component))
            resolution = resolve("money", _candidates(by_source, row, component, recency))
            if resolution.disputed:
                cases.append(("price", offer, component, resolution))
    return disagreements_sync(cases, evaluated)


def price_decisions_release(today: date, recency: dict[str, date]) -> int:
    """Before the price writers: drop the mark of each decision whose sources no longer say what
    they said when it was taken. A genai-prices row takes back the value its writer last wrote
    (that writer keeps a field differing from it as an editor's), so the writer brings the
    source's current value; the other writer writes every field not marked."""
    decided = {
        (case.target_id, case.field): case.values
        for case in SourceDisagreement.objects.filter(subject="price", status="resolved")
    }
    said = standard_prices_said(today)
    released = 0
    for row in Pricing.objects.filter(metadata__has_key="decided"):
        marks = row.metadata["decided"]
        gone = [
            component
            for component in marks
            if decided.get((row.model_id, component))
            != snapshot(_candidates(said.get(row.model_id, {}), row, component, recency))
        ]
        if not gone:
            continue
        imported = row.metadata.get("imported", {})
        for component in gone:
            if component in imported:
                setattr(row, component, imported[component])
        kept = {component: value for component, value in marks.items() if component not in gone}
        row.metadata = {key: value for key, value in row.metadata.items() if key != "decided"}
        if kept:
            row.metadata["decided"] = kept
        row.save(update_fields=[*PRICE_COMPONENTS, "metadata"])
        released += len(gone)
    return released
