"""How complete and how consistent the catalog's data is, per source and field: what the "Data
quality" page, `manage.py sources_report` and /api/v1/sources/ report (docs/data.md records the
figures).

- coverage: of the catalog rows a source speaks about, how many it states the field for;
- agreement: of the rows where the source and at least one other source state the field, how many
  agree with another source within tolerance (the policy's);
- the canonical models' completeness the issue's goals are measured by;
- current standard prices agreeing with at least one other source, per provider.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, F, Q
from django.utils import timezone

from catalog.models import (
    AIModel,
    BenchmarkScore,
    CanonicalModel,
    Provider,
    SourceDisagreement,
    SourceImport,
    SourceValue,
)
from catalog.sources import SOURCES, source_info
from catalog.sources.apply.policy import same
from catalog.sources.apply.price_review import PRICE_COMPONENTS, standard_prices_said
from catalog.sources.records import OFFER_FIELDS, SourceInfo

# The fields the report covers: what pages show as a model's facts.
FIELDS = ("released_at", "training_cutoff", "context_window", "max_output_tokens", "open_weights", "deprecated")


@dataclass
class FieldQuality:
    field: str
    stated: int = 0  # catalog rows the source states the field for
    compared: int = 0  # of those, rows another source states it for too
    agree: int = 0  # of those, rows where another source agrees within tolerance

    @property
    def agreement(self) -> float | None:
        return self.agree / self.compared if self.compared else None


@dataclass
class SourceQuality:
    info: SourceInfo
    last_import: SourceImport | None
    values: int = 0  # current values the source states about catalog rows
    rows: int = 0  # offers it speaks about
    fields: dict[str, FieldQuality] = field(default_factory=dict)
    scores: int = 0

    def coverage(self, name: str) -> float | None:
        quality = self.fields.get(name)
        return quality.stated / self.rows if quality and self.rows else None


@dataclass
class PriceAgreement:
    provider: str
    compared: int = 0  # offers with a current standard price from two sources or more
    agree: int = 0  # of those, where the catalog's price agrees with another source within 0.5 %

    @property
    def agreement(self) -> float | None:
        return self.agree / self.compared if self.compared else None


@dataclass
class QualityReport:
    sources: list[SourceQuality]
    canonical: dict[str, float]  # the goals: shares of canonical models with each fact
    disagreements: dict[str, int]  # open, resolved, superseded
    prices: list[PriceAgreement]

    @property
    def prices_total(self) -> PriceAgreement:
        return PriceAgreement("", sum(row.compared for row in self.prices), sum(row.agree for row in self.prices))


def _offer_values() -> dict:
    """offer id -> field -> {source: value} (the first value per source: one offer each)."""
    found: dict = defaultdict(lambda: defaultdict(dict))
    rows = SourceValue.objects.filter(subject="offer", field__in=FIELDS).exclude(target_id=None)
    for target, name, source, value in rows.values_list("target_id", "field", "source", "value"):
        found[target][name].setdefault(source, value)
    return found


def sources_summary() -> dict[str, SourceQuality]:
    """Each source with its last import and how much of the catalog it gives (values, offers,
    scores), without the per-field figures: four queries (the "Data sources" page)."""
    imports = {row.source: row for row in SourceImport.objects.order_by("source", "-started_at").distinct("source")}
    sources = {name: SourceQuality(source_info(name), imports.get(name)) for name in SOURCES}
    counted = [
        (SourceValue.objects.exclude(target_id=None), "values"),
        (SourceValue.objects.filter(subject="offer", field="base"), "rows"),
        (BenchmarkScore.objects.all(), "scores"),
    ]
    for rows, attribute in counted:
        for source, count in rows.values("source").annotate(n=Count("pk")).values_list("source", "n"):
            if source in sources:
                setattr(sources[source], attribute, count)
    return sources


def quality_report() -> QualityReport:
    today = timezone.localdate()
    sources = sources_summary()
    for quality in sources.values():
        quality.fields = {column: FieldQuality(column) for column in FIELDS}
    for values in _offer_values().values():
        for column, said in values.items():
            kind = OFFER_FIELDS.get(column, "bool")
            for source, value in said.items():
                if source not in sources:
                    continue
                quality = sources[source].fields[column]
                quality.stated += 1
                others = [other for name, other in said.items() if name != source]
                if others:
                    quality.compared += 1
                    quality.agree += any(same(kind, value, other) for other in others)
    return QualityReport(
        sources=list(sources.values()),
        canonical=canonical_completeness(),
        disagreements=dict(Counter(SourceDisagreement.objects.values_list("status", flat=True))),
        prices=price_agreement(today),
    )


def canonical_completeness() -> dict[str, float]:
    """Shares (0-1) of canonical models with each fact the goals name."""
    totals = CanonicalModel.objects.aggregate(
        all=Count("id"),
        released=Count("id", filter=Q(released_at__isnull=False)),
        limits=Count("id", filter=Q(context_window__isnull=False, max_output_tokens__isnull=False)),
        context=Count("id", filter=Q(context_window__isnull=False)),
        cutoff=Count("id", filter=Q(training_cutoff__isnull=False)),
    )
    dated = set(SourceValue.objects.filter(subject="offer", field="released_at").values_list("target_id", flat=True))
    dated_canonical = CanonicalModel.objects.filter(offers__in=dated).distinct()
    with_scores = CanonicalModel.objects.filter(offers__benchmark_scores__source_url__isnull=False).distinct()
    # A model is deprecated when its maker's offer is (resolve.MAKER_ONLY): a reseller's is that offer's.
    deprecated = CanonicalModel.objects.filter(offers__in=_deprecated_offers(), offers__provider=F("maker")).distinct()
    share = lambda part, whole: part / whole if whole else 0.0  # noqa: E731
    return {
        "canonical_models": totals["all"],
        "released_at": share(totals["released"], totals["all"]),
        "released_at_of_dated": share(
            dated_canonical.filter(released_at__isnull=False).count(), dated_canonical.count()
        ),
        "context_window": share(totals["context"], totals["all"]),
        "limits": share(totals["limits"], totals["all"]),
        "limits_of_dated": share(
            dated_canonical.filter(context_window__isnull=False, max_output_tokens__isnull=False).count(),
            dated_canonical.count(),
        ),
        "training_cutoff": share(totals["cutoff"], totals["all"]),
        "with_real_scores": with_scores.count(),
        "deprecated": deprecated.count(),
        "deprecated_dated": deprecated.exclude(deprecated_at=None, sunset_at=None).count(),
    }


def _deprecated_offers() -> set:
    rows = SourceValue.objects.filter(subject="offer", field="deprecated", value=True)
    return set(rows.values_list("target_id", flat=True))


def price_agreement(today: date) -> list[PriceAgreement]:
    """Per provider: offers whose current standard price two or more sources state, and how many
    of those agree with at least one other source (same currency; 0.5 % on input and output)."""
    providers = dict(Provider.objects.values_list("pk", "slug"))
    offers = dict(AIModel.objects.values_list("pk", "provider_id"))
    result: dict[str, PriceAgreement] = {}
    for target, said in standard_prices_said(today).items():
        if len(said) < 2:
            continue
        slug = providers.get(offers.get(target))
        agreement = result.setdefault(slug, PriceAgreement(slug))
        agreement.compared += 1
        first, *others = list(said.values())
        agreement.agree += any(
            other.get("currency") == first.get("currency")
            and all(same("money", first.get(name), other.get(name)) for name in PRICE_COMPONENTS)
            for other in others
        )
    return sorted(result.values(), key=lambda row: (-row.compared, row.provider or ""))
