"""Demo content for the local site, on top of the real imported catalog (demo.json beside this
file): documentation links, a few translations and, only while the catalog has no real benchmark
score (the sources' import brings those), benchmark suites named "(demo)" with unofficial scores.
Models are found by foundation model id; missing ones are skipped."""

import json
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from catalog.models import AIModel, BenchmarkScore, BenchmarkSuite, Documentation

DEMO_FILE = Path(__file__).with_name("demo.json")
SCORE_DATE = date(2025, 6, 1)
DEMO = "demo"  # the benchmark scores' source


def _find_models(foundation_ids: set[str]) -> dict[str, AIModel]:
    """The model for each foundation id, preferring the shortest slug (the maker's own offer)."""
    found: dict[str, AIModel] = {}
    for model in AIModel.objects.filter(foundation_model__in=foundation_ids).order_by("slug"):
        current = found.get(model.foundation_model)
        if current is None or len(model.slug) < len(current.slug):
            found[model.foundation_model] = model
    return found


def _percentiles(scores: dict[str, Decimal]) -> dict[str, int]:
    ordered = sorted(scores.values())
    top = max(len(ordered) - 1, 1)
    return {key: round(100 * ordered.index(value) / top) for key, value in scores.items()}


def real_scores_exist() -> bool:
    return BenchmarkScore.objects.exclude(source=DEMO).exists()


@transaction.atomic
def demo_seed(path: Path = DEMO_FILE) -> Counter:
    """Create or update the demo rows by natural key; running it twice changes nothing."""
    data = json.loads(path.read_text())
    if real_scores_exist():
        data["benchmark_suites"] = []  # real scores say more than any demo
    wanted = set(data["translations"]) | {doc["model"] for doc in data["documentation"]}
    for suite in data["benchmark_suites"]:
        wanted |= set(suite["scores"])
    models = _find_models(wanted)
    counts: Counter = Counter(models_skipped=len(wanted - set(models)))

    for foundation_id, fields in data["translations"].items():
        model = models.get(foundation_id)
        if model is None:
            continue
        for field, texts in fields.items():
            merged = {**(getattr(model, field) or {}), **texts}
            if merged != getattr(model, field):
                setattr(model, field, merged)
                model.save(update_fields=[field])
                counts["translations"] += 1

    for row in data["benchmark_suites"]:
        row = dict(row)
        scores = {key: Decimal(value) for key, value in row.pop("scores").items() if key in models}
        suite, created = BenchmarkSuite.objects.update_or_create(
            slug=row["slug"], defaults={**row, "metadata": {"source": DEMO}}
        )
        counts["suites created" if created else "suites kept"] += 1
        percentiles = _percentiles(scores)
        for foundation_id, score in scores.items():
            _, created = BenchmarkScore.objects.update_or_create(
                model=models[foundation_id],
                suite=suite,
                evaluation_date=SCORE_DATE,
                defaults={
                    "score_raw": score,
                    "score_normalized": score,
                    "percentile": percentiles[foundation_id],
                    "is_official": False,
                    "notes": "Demo data for the local site, not a published result.",
                    "configuration": {"source": DEMO},
                    "source": DEMO,
                },
            )
            counts["scores created" if created else "scores kept"] += 1

    for doc in data["documentation"]:
        model = models.get(doc["model"])
        if model is None:
            continue
        fields = {key: value for key, value in doc.items() if key != "model"}
        _, created = Documentation.objects.update_or_create(model=model, url=fields.pop("url"), defaults=fields)
        counts["documentation created" if created else "documentation kept"] += 1
    return counts
