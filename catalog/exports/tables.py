"""The catalog's public tables as rows, as they stood at the end of a day.

Offers are read as they are now, then each change event after that day is undone, newest first
(`model.updated` and `model.deprecated` carry what came before); rows made after the day are left
out; prices, scores and canonical models are dated rows of their own.
"""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from catalog.models import PRICE_FIELDS, AIModel, BenchmarkScore, CanonicalModel, ChangeEvent, Pricing, Provider

OFFER_FIELDS = [
    "released_at",
    "deprecated_at",
    "sunset_at",
    "context_window",
    "max_output_tokens",
    "training_cutoff",
    "modalities",
    "capabilities",
    "is_active",
]


def day_end(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time()))


def _text(value) -> str | None:
    return None if value is None else str(value)


def providers(as_of: date) -> list[dict]:
    rows = Provider.objects.filter(created_at__lt=day_end(as_of)).order_by("slug")
    return [
        {"slug": row.slug, "name": row.name, "website_url": row.website_url, "regions": ",".join(row.regions)}
        for row in rows
    ]


def _undo_later_changes(offers: dict[str, dict], as_of: date) -> None:
    """Set each offer back to what it was at the end of `as_of` from the events after it."""
    later = ChangeEvent.objects.filter(
        type__in=["model.updated", "model.deprecated"], occurred_at__gte=day_end(as_of), model__isnull=False
    ).order_by("-id")
    for event in later.iterator():
        row = offers.get(event.model)
        if row is None:
            continue
        before = event.payload.get("before") or {}
        fields = event.payload.get("fields") or list(event.payload.get("after") or {})
        for field in fields:
            if field in row:
                row[field] = before.get(field)
        if "slug" in fields and before.get("slug"):  # renamed since: older events name the old slug
            offers[before["slug"]] = offers.pop(event.model)
            row["slug"] = before["slug"]


def offers(as_of: date) -> list[dict]:
    rows = (
        AIModel.objects.filter(created_at__lt=day_end(as_of))
        .select_related("provider", "canonical_model")
        .order_by("slug")
    )
    state = {
        row.slug: {
            "slug": row.slug,
            "provider": row.provider.slug,
            "canonical_model": row.canonical_model.slug if row.canonical_model else None,
            "name": row.display_name("en-US"),
            **{field: getattr(row, field) for field in OFFER_FIELDS},
        }
        for row in rows
    }
    _undo_later_changes(state, as_of)
    return [
        {
            **row,
            "modalities": ",".join(row["modalities"] or []),
            "capabilities": ",".join(row["capabilities"] or []),
            **{field: _text(row[field]) for field in ("released_at", "deprecated_at", "sunset_at", "training_cutoff")},
        }
        for row in sorted(state.values(), key=lambda row: row["slug"])
    ]


def canonical_models(as_of: date) -> list[dict]:
    rows = (
        CanonicalModel.objects.filter(created_at__lt=day_end(as_of))
        .select_related("maker", "successor")
        .order_by("slug")
    )
    return [
        {
            "slug": row.slug,
            "maker": row.maker.slug if row.maker else None,
            "name": row.display_name("en-US"),
            "released_at": _text(row.released_at),
            "deprecated_at": _text(row.deprecated_at if row.deprecated_at and row.deprecated_at <= as_of else None),
            "sunset_at": _text(row.sunset_at),
            "successor": row.successor.slug if row.successor else None,
            "open_weights": row.open_weights,
            "license": row.license,
            "parameter_count": row.parameter_count,
            "context_window": row.context_window,
            "max_output_tokens": row.max_output_tokens,
        }
        for row in rows
    ]


def prices(as_of: date) -> list[dict]:
    """Every price period known at the end of the day; `in_effect`: the ones applying that day. A
    period that ended after the day was still open then."""
    rows = (
        Pricing.objects.filter(created_at__lt=day_end(as_of))
        .select_related("model__provider")
        .order_by("model__slug", "tier", "region", "currency", "effective_from")
    )
    out = []
    for row in rows:
        ended = row.effective_to if row.effective_to and row.effective_to < as_of else None
        out.append(
            {
                "model": row.model.slug,
                "provider": row.model.provider.slug,
                "tier": row.tier,
                "region": row.region,
                "currency": row.currency,
                **{name: _text(getattr(row, name)) for name in PRICE_FIELDS},
                "effective_from": str(row.effective_from),
                "effective_to": _text(ended),
                "in_effect": row.effective_from <= as_of and ended is None,
            }
        )
    return out


def benchmark_scores(as_of: date) -> list[dict]:
    rows = (
        BenchmarkScore.objects.filter(created_at__lt=day_end(as_of), evaluation_date__lte=as_of)
        .exclude(source="demo")
        .select_related("model", "suite")
        .order_by("suite__slug", "model__slug", "evaluation_date")
    )
    return [
        {
            "suite": row.suite.slug,
            "model": row.model.slug,
            "score_raw": str(row.score_raw),
            "score_normalized": _text(row.score_normalized),
            "evaluation_date": str(row.evaluation_date),
            "is_official": row.is_official,
            "source": row.source,
            "source_url": row.source_url,
            "method": row.method,
        }
        for row in rows
    ]


TABLES = {
    "providers": providers,
    "models": offers,
    "canonical_models": canonical_models,
    "prices": prices,
    "benchmark_scores": benchmark_scores,
}
