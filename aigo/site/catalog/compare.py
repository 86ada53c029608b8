"""Compare up to six models side by side; the URL (?models=a,b) is the shareable state."""

from collections import defaultdict

from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone

from aigo.i18n import resolve
from aigo.site.cache import cached_page
from aigo.site.catalog.model_parts import scores_shown
from aigo.site.catalog.prices import price_rows
from aigo.site.catalog.provenance import attributions
from aigo.site.visitor import visitor_of
from catalog import selectors
from catalog.currency import conversions_used, rates_on
from catalog.models import AIModel

COMPARE_MAX = 6


def compare_slugs(query) -> list[str]:
    raw = ",".join(query.getlist("models"))
    return list(dict.fromkeys(slug.strip() for slug in raw.split(",") if slug.strip()))[:COMPARE_MAX]


@cached_page("models", "benchmarks")
def compare(request, locale: str):
    """Up to six models side by side; the URL (?models=a,b) is the shareable state."""
    visitor = visitor_of(request, locale)
    slugs = compare_slugs(request.GET)
    added = (request.GET.get("add") or "").strip()[:200]
    not_found = None
    if added:
        ranked = selectors.models_search(query=added, locale=locale, limit=1)
        found = AIModel.objects.filter(id__in=[model_id for model_id, _rank in ranked]).values_list("slug", flat=True)
        if found:
            slugs = list(dict.fromkeys([*slugs, found[0]]))[:COMPARE_MAX]
            return HttpResponseRedirect(f"?models={','.join(slugs)}")
        not_found = added
    models = {model.slug: model for model in selectors.models_to_compare(slugs=slugs)}
    chosen = [models[slug] for slug in slugs if slug in models]
    today = timezone.localdate()
    prices = {
        model.slug: selectors.prices_in_effect(model.pricing.all(), as_of=today, region=visitor.region)
        for model in chosen
    }
    rates = rates_on([visitor.currency, *(row.currency for rows in prices.values() for row in rows)], today)
    columns = []
    suites: dict[str, str] = {}
    # A model's scores are its canonical model's (published for one offer, true of every one).
    scores = defaultdict(list)
    for score in selectors.scores_of(
        model_ids=[model.pk for model in chosen if not model.canonical_model_id],
        canonical_ids={model.canonical_model_id for model in chosen if model.canonical_model_id},
    ):
        scores[score.canonical_id or score.model_id].append(score)
    real_only = bool(scores) and selectors.real_scores_exist()
    for model in chosen:
        standard = next((row for row in prices[model.slug] if row.tier == "standard"), None)
        own = scores[model.canonical_model_id or model.pk]
        latest = {score.suite.slug: score for score in scores_shown(own, real_only=real_only)}
        suites |= {score.suite.slug: score.suite.name for score in latest.values()}
        columns.append(
            {
                "model": model,
                "name": resolve(model.name, locale) or model.slug,
                "price": price_rows([standard], visitor, rates)[0] if standard else None,
                "scores": latest,
                "without": ",".join(other.slug for other in chosen if other != model),
            }
        )
    benchmarks = [
        {"name": name, "cells": [column["scores"].get(slug) for column in columns]}
        for slug, name in sorted(suites.items())
    ]
    return TemplateResponse(
        request,
        "site/catalog/compare.html",
        {
            "nav": "compare",
            "columns": columns,
            "benchmarks": benchmarks,
            "slugs": ",".join(column["model"].slug for column in columns),
            "missing": [slug for slug in slugs if slug not in models],
            "not_found": not_found,
            "full": len(columns) >= COMPARE_MAX,
            "compare_max": COMPARE_MAX,
            "page_events": [
                {"type": "benchmark_compare", "properties": {"models": [column["model"].slug for column in columns]}}
            ]
            if len(columns) >= 2
            else [],
            "attributions": attributions(score.source for column in columns for score in column["scores"].values()),
            "conversions": conversions_used(
                rates, visitor.currency, [row.currency for rows in prices.values() for row in rows], locale
            ),
        },
    )
