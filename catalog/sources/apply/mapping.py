"""Which catalog rows a source's ids are: its providers, its offers (`models` rows) and the
canonical models they are offers of. An editor's mapping (source_mappings, rule "editor") always
wins; otherwise the automatic rules below decide, their answer is written as a mapping too, and a
row is created for what matches nothing. docs/data.md lists the rules.
"""

import re
from collections import Counter
from dataclasses import dataclass, field

from catalog.models import AIModel, CanonicalModel, Provider, SourceMapping
from catalog.sources.identity import (
    MAKERS,
    MODEL_SLUG_LENGTH,
    PROVIDER_SLUG_LENGTH,
    canonical_key,
    slug_candidates,
    slugify,
)
from catalog.sources.records import OfferRecord, SourceData

from .observe import offer_key
from .rows import rows_update

GENAI_PRICES = "genai-prices"
# "(latest)", "(2024-08-06)", "- Preview 05-06": what sources add to a model's name for one offer.
NAME_QUALIFIER = re.compile(r"\s*\((latest|\d{4}-\d{2}-\d{2}|\d{8})\)\s*$", re.IGNORECASE)


@dataclass
class Mapped:
    providers: dict[str, Provider] = field(default_factory=dict)  # source provider key -> row
    offers: dict[str, AIModel] = field(default_factory=dict)  # offer key -> row
    created: Counter = field(default_factory=Counter)
    mappings: list[SourceMapping] = field(default_factory=list)  # new automatic ones, written in bulk

    def remember(self, source: str, subject: str, key: str, known: dict[str, SourceMapping], **target) -> None:
        """Keep the automatic rule's answer, so the link is explicit and an editor can see and change it."""
        if key not in known:
            known[key] = SourceMapping(source=source, subject=subject, source_key=key, rule="automatic", **target)
            self.mappings.append(known[key])


def catalog_map(source: str, data: SourceData) -> Mapped:
    """Map (and create where needed) the providers, offers and canonical models of one source."""
    mapped = Mapped()
    _providers(source, data, mapped)
    new_offers = _offers(source, data, mapped)
    _canonicals(data, mapped)
    AIModel.objects.bulk_create(new_offers, batch_size=1000)
    SourceMapping.objects.bulk_create(mapped.mappings, batch_size=2000)
    return mapped


def _mappings(source: str, subject: str) -> dict[str, SourceMapping]:
    rows = SourceMapping.objects.filter(source=source, subject=subject).select_related(
        "provider", "model", "canonical_model"
    )
    return {row.source_key: row for row in rows}


def _free_slug(wanted: str, taken: set[str], length: int) -> str:
    stem = (wanted or "provider")[:length].strip("-")
    slug, n = stem, 2
    while slug in taken:
        suffix = f"-{n}"
        slug, n = stem[: length - len(suffix)] + suffix, n + 1
    taken.add(slug)
    return slug


def provider_for_catalog_key(catalog_key: str) -> Provider | None:
    """The provider genai-prices (the catalog's vocabulary) calls `catalog_key`."""
    return (
        Provider.objects.filter(metadata__source=GENAI_PRICES, metadata__source_id=catalog_key).first()
        or Provider.objects.filter(slug=slugify(catalog_key)[:PROVIDER_SLUG_LENGTH]).first()
    )


def _providers(source: str, data: SourceData, mapped: Mapped) -> None:
    known = _mappings(source, "provider")
    taken: set[str] | None = None
    for record in data.providers:
        row = known[record.key].provider if record.key in known else None
        if row is None and record.catalog_key:
            row = provider_for_catalog_key(record.catalog_key)
        if row is None:
            taken = set(Provider.objects.values_list("slug", flat=True)) if taken is None else taken
            slug = _free_slug(slugify(record.catalog_key or record.key), taken, PROVIDER_SLUG_LENGTH)
            metadata = {"source": source, "source_id": record.key}
            row = Provider.objects.create(slug=slug, name=record.name, metadata=metadata)
            mapped.created["providers"] += 1
        mapped.remember(source, "provider", record.key, known, provider=row)
        mapped.providers[record.key] = row


def _norm(model_id: str) -> str:
    return model_id.strip().lower()


def _offers(source: str, data: SourceData, mapped: Mapped) -> list[AIModel]:
    """Map the source's offers; returns the rows to create (unsaved: linked to their canonical model first)."""
    known = _mappings(source, "offer")
    providers = {row.pk for row in mapped.providers.values()}
    # Every offer id any source mapped at these providers: a model is the same row at one provider
    # whichever source names it (models.dev's and genai-prices' "claude-sonnet-4-5" at anthropic).
    by_id: dict[tuple, AIModel] = {}
    for row in SourceMapping.objects.filter(subject="offer", model__provider__in=providers).select_related("model"):
        by_id.setdefault((row.model.provider_id, _norm(row.source_key.partition("/")[2])), row.model)
    legacy = {}
    if source == GENAI_PRICES:  # rows the first importer made, before mappings existed
        for model in AIModel.objects.filter(metadata__source=GENAI_PRICES):
            legacy[model.metadata.get("source_key")] = model
    taken: set[str] | None = None
    new = []
    for record in data.offers:
        key = offer_key(record.provider, record.key)
        provider = mapped.providers[record.provider]
        row = known[key].model if key in known else None
        row = row or legacy.get(f"{record.provider}:{record.key}") or by_id.get((provider.pk, _norm(record.key)))
        if row is None and not record.adds_row:
            continue  # its values are kept, unattached, until another source lists the offer
        if row is None:
            taken = set(AIModel.objects.values_list("slug", flat=True)) if taken is None else taken
            row = _offer_new(source, record, provider, taken)
            new.append(row)
        mapped.remember(source, "offer", key, known, model=row)
        by_id.setdefault((provider.pk, _norm(record.key)), row)
        mapped.offers[key] = row
    mapped.created["offers"] += len(new)
    return new


def _offer_new(source: str, record: OfferRecord, provider: Provider, taken: set[str]) -> AIModel:
    maker_provider = MAKERS.get(record.maker or "", (None,))[0]
    own = maker_provider is not None and slugify(maker_provider) == provider.slug
    stem = slugify(record.key.rpartition("/")[2].replace("@", "-")) or slugify(record.base)
    slug = next(slug for slug in slug_candidates(stem, provider.slug, own) if slug not in taken)
    taken.add(slug)
    name = record.fields.get("name") or record.key
    return AIModel(
        provider=provider,
        slug=slug,
        name={"en-US": name},
        foundation_model=record.base[:100],
        metadata={"source": source, "source_key": f"{record.provider}:{record.key}"},
    )


def _maker_provider(maker: str | None) -> Provider | None:
    if not maker:
        return None
    catalog_key, name = MAKERS.get(maker, (None, maker))
    found = provider_for_catalog_key(catalog_key) if catalog_key else None
    if found is None:
        found, _ = Provider.objects.get_or_create(slug=slugify(maker)[:PROVIDER_SLUG_LENGTH], defaults={"name": name})
    return found


def clean_name(name: str) -> str:
    """A model's name without the offer qualifiers sources add ("Claude Haiku 3.5 (latest)")."""
    return NAME_QUALIFIER.sub("", name).strip() or name


def _canonicals(data: SourceData, mapped: Mapped) -> None:
    by_key = {}
    for row in CanonicalModel.objects.all():
        for key in [row.key, *row.metadata.get("aliases", [])]:
            by_key[key] = row
    taken = set(CanonicalModel.objects.values_list("slug", flat=True))
    makers: dict[str | None, Provider | None] = {}
    new, linked = [], []
    for record in data.offers:
        offer = mapped.offers.get(offer_key(record.provider, record.key))
        if offer is None:
            continue
        key = canonical_key(record.maker, record.base, mapped.providers[record.provider].slug)
        canonical = by_key.get(key)
        if canonical is None:
            if record.maker not in makers:
                makers[record.maker] = _maker_provider(record.maker)
            canonical = CanonicalModel(
                key=key,
                slug=_free_slug(slugify(record.base), taken, MODEL_SLUG_LENGTH),
                name={"en-US": clean_name(record.fields.get("name") or record.base)},
                maker=makers[record.maker],
                family=record.base[:100],
                metadata={"created_by": "import"},
            )
            by_key[key] = canonical
            new.append(canonical)
        # An offer keeps the canonical model it has: an editor's choice, or the first source's.
        if offer.canonical_model_id is None:
            offer.canonical_model = canonical
            if not offer._state.adding:
                linked.append(offer)
    CanonicalModel.objects.bulk_create(new, batch_size=1000)
    rows_update(linked, ["canonical_model"])
    mapped.created["canonical_models"] += len(new)
