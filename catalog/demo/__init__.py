"""The small demo catalog that `make run` loads on first run (catalog.json beside this file)."""

import json
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from catalog.models import AIModel, BenchmarkScore, BenchmarkSuite, Documentation, ModelEndpoint, Pricing, Provider

DEMO_FILE = Path(__file__).with_name("catalog.json")
DEMO = {"source": "demo"}
SCORE_DATE = date(2025, 1, 15)


def _upsert(counts: Counter, model, lookup: dict, defaults: dict):
    obj, created = model.objects.update_or_create(**lookup, defaults=defaults)
    counts[f"{model._meta.verbose_name_plural} {'created' if created else 'updated'}"] += 1
    return obj


def _percentiles(scores: dict[str, str]) -> dict[str, int]:
    ordered = sorted(Decimal(value) for value in scores.values())
    top = max(len(ordered) - 1, 1)
    return {slug: round(100 * ordered.index(Decimal(value)) / top) for slug, value in scores.items()}


@transaction.atomic
def demo_catalog_load(path: Path = DEMO_FILE) -> Counter:
    """Create or update every demo row by its natural key; running it twice changes nothing."""
    data = json.loads(path.read_text())
    counts: Counter = Counter()
    providers = {
        row["slug"]: _upsert(counts, Provider, {"slug": row["slug"]}, {**row, "metadata": DEMO})
        for row in data["providers"]
    }
    models = {}
    for row in data["models"]:
        row = dict(row)
        endpoints, prices, docs = row.pop("endpoints"), row.pop("pricing"), row.pop("documentation")
        row["provider"] = providers[row["provider"]]
        model = models[row["slug"]] = _upsert(counts, AIModel, {"slug": row["slug"]}, {**row, "metadata": DEMO})
        for region, url, priority in endpoints:
            endpoint = {"endpoint_url": url, "priority": priority}
            _upsert(counts, ModelEndpoint, {"model": model, "region": region}, endpoint)
        for price in prices:
            key = {
                "model": model,
                "tier": price.pop("tier"),
                "region": price.pop("region", None),
                "currency": price.pop("currency", "USD"),
                "effective_from": price.pop("effective_from"),
            }
            _upsert(counts, Pricing, key, {"effective_to": None, **price, "metadata": DEMO})
        for doc_type, title, url, locale in docs:
            _upsert(
                counts,
                Documentation,
                {"model": model, "url": url},
                {"doc_type": doc_type, "title": title, "locale": locale},
            )
    for row in data["benchmark_suites"]:
        row = dict(row)
        scores = row.pop("scores")
        suite = _upsert(counts, BenchmarkSuite, {"slug": row["slug"]}, {**row, "metadata": DEMO})
        percentiles = _percentiles(scores)
        for slug, score in scores.items():
            _upsert(
                counts,
                BenchmarkScore,
                {"model": models[slug], "suite": suite, "evaluation_date": SCORE_DATE},
                {
                    "score_raw": score,
                    "score_normalized": score,
                    "percentile": percentiles[slug],
                    "is_official": False,
                    "notes": "Demo data for the local site, not an official result.",
                },
            )
    return counts
