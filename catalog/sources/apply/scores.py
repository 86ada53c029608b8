"""Benchmark suites and published scores from a source (LLM Stats): each score on the maker's own
offer of the scored model, with the link to where it was published, the method, and whether it was
self-reported or verified. A re-import updates them in place; editors' and demo scores stay."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.text import Truncator

from catalog import choices
from catalog.models import BenchmarkScore, BenchmarkSuite
from catalog.sources.identity import slugify
from catalog.sources.records import BenchmarkRecord, SourceData

from .mapping import Mapped
from .observe import offer_key
from .report import Tally

# A source's categories -> the catalog's, the first that matches (LLM Stats lists several).
CATEGORY_ORDER = ("code", "math", "reasoning", "multimodal", "vision", "safety", "language", "general")
CATEGORY_NAMES = {"vision": "multimodal", "general": "language"}
KNOWN = {value for value, _label in choices.BENCHMARK_CATEGORIES}
TWO_PLACES = Decimal("0.01")
FOUR_PLACES = Decimal("0.0001")


def _category(record: BenchmarkRecord) -> str | None:
    for name in CATEGORY_ORDER:
        if name in record.categories and CATEGORY_NAMES.get(name, name) in KNOWN:
            return CATEGORY_NAMES.get(name, name)
    return None


def _suites(source: str, data: SourceData, tally: Tally) -> dict[str, BenchmarkSuite]:
    existing = {
        suite.metadata.get("source_key"): suite for suite in BenchmarkSuite.objects.filter(metadata__source=source)
    }
    taken = set(BenchmarkSuite.objects.values_list("slug", flat=True))
    suites = {}
    for record in data.benchmarks:
        values = {
            "name": Truncator(record.name).chars(100),
            "description": {"en-US": record.description} if record.description else None,
            "category": _category(record),
            "max_score": record.max_score,
            "scoring_method": "percentage" if record.max_score == 1 else "raw_score",
            "metadata": {
                "source": source,
                "source_key": record.key,
                "categories": list(record.categories),
                **({"modality": record.modality} if record.modality else {}),
                **({"paper_url": record.paper_url} if record.paper_url else {}),
            },
        }
        suite = existing.get(record.key)
        if suite is None:
            slug = slugify(record.key)[:50].strip("-")
            slug = slug if slug not in taken else f"{slug[:44]}-{source[:5]}".strip("-")
            taken.add(slug)
            suite = BenchmarkSuite.objects.create(slug=slug, **values)
            tally.created += 1
        elif any(getattr(suite, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(suite, name, value)
            suite.save()
            tally.updated += 1
        suites[record.key] = suite
    return suites


def scores_write(source: str, data: SourceData, mapped: Mapped) -> Tally:
    """Suites and scores of `source`; a score whose model maps to no offer is counted as skipped."""
    tally = Tally()
    if not data.scores:
        return tally
    suites = _suites(source, data, Tally())
    makers = {record.key: offer_key(record.provider, record.key) for record in data.offers if record.maker}
    existing = {
        (score.model_id, score.suite_id): score
        for score in BenchmarkScore.objects.filter(source=source, suite__in=list(suites.values()))
    }
    new, seen = [], set()
    for record in data.scores:
        offer = mapped.offers.get(makers.get(record.model, ""))
        if offer is None or record.benchmark not in suites or (offer.pk, record.benchmark) in seen:
            tally.skipped += 1  # no offer to score, or two of the source's models are one offer here
            continue
        seen.add((offer.pk, record.benchmark))
        suite = suites[record.benchmark]
        values = {
            "score_raw": record.score.quantize(FOUR_PLACES, rounding=ROUND_HALF_UP),
            "score_normalized": None
            if record.normalized is None
            else min(record.normalized, Decimal(100)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP),
            "evaluation_date": record.evaluated_at or data.info.snapshot_date,
            "method": Truncator(record.method).chars(200) if record.method else None,
            "source_url": record.source_url,
            "is_self_reported": record.self_reported,
            "is_verified": record.verified,
            "is_official": True,
        }
        score = existing.pop((offer.pk, suite.pk), None)
        if score is None:
            new.append(BenchmarkScore(model=offer, suite=suite, source=source, **values))
        elif any(getattr(score, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(score, name, value)
            score.save()
            tally.updated += 1
        else:
            tally.unchanged += 1
    BenchmarkScore.objects.bulk_create(new, batch_size=1000)
    tally.created += len(new)
    return tally
