"""What a model's page and its canonical model's page share: the facts and lifecycle dates with
their sources, every provider's offer side by side with the cheapest named, and the benchmark
scores (real ones with where they were published; demo ones only while there is no real one)."""

from dataclasses import replace
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aigo.site.catalog.prices import price_table
from aigo.site.catalog.provenance import LABELS, attributions, fact_disclosure, value_text
from aigo.site.catalog.time_of_day import price_now
from aigo.site.visitor import Visitor
from catalog import selectors
from catalog.currency import conversions_used, rates_on
from catalog.models import AIModel, CanonicalModel
from catalog.offers import cheapest
from catalog.provenance import model_provenance
from catalog.sources.records import OFFER_FIELDS
from status.selectors import status_of_models

FACTS = [
    ("context_window", _("Context window")),
    ("max_output_tokens", _("Maximum output")),
    ("training_cutoff", _("Training data until")),
    ("modalities", _("Modalities")),
    ("capabilities", _("Capabilities")),
    ("open_weights", _("Open weights")),
    ("license", _("Licence")),
    ("parameter_count", _("Parameters")),
]
LIFECYCLE = [
    ("released_at", _("Released")),
    ("deprecated_at", _("Deprecated")),
    ("sunset_at", _("Retirement")),
]
TOKEN_COUNTS = {"context_window", "max_output_tokens"}


def fact_text(column: str, value, locale: str) -> str:
    text = value_text(OFFER_FIELDS[column], value, locale)
    return gettext("%(count)s tokens") % {"count": text} if column in TOKEN_COUNTS else text


def _bounded(text: str, provenance) -> str:
    return f"{gettext('on or before')} {text}" if provenance.upper_bound else text


def facts_of(row, provenance: dict, columns: list, locale: str) -> list[dict]:
    """The row's facts among `columns` that have a value (blank ones are left out, not shown as
    "–"), each in words with its sources."""
    found = []
    for column, label in columns:
        value = getattr(row, column, None)
        if column not in provenance or value in (None, [], ""):
            continue
        found.append(
            {
                "label": label,
                "text": _bounded(fact_text(column, value, locale), provenance[column]),
                "tags": [LABELS.get(item, item) for item in value] if isinstance(value, list) else None,
                "sources": [fact_disclosure(provenance[column], column, locale)],
            }
        )
    return found


def _regions(offer: AIModel) -> list[str]:
    endpoints = [endpoint.region for endpoint in offer.endpoints.all() if endpoint.is_active]
    return endpoints or list(offer.provider.regions)


LIMITS = FACTS[:2]  # what each offer says of its own limits, beside the others'


def _offer_row(offer: AIModel, prices: list, provenance, visitor: Visitor, rates, now: datetime) -> dict:
    """One offer as the side-by-side table shows it; `current` is the price a buyer pays now:
    the one the hour selects, else the standard tier."""
    current = price_now(prices, now) or next((row for row in prices if row.tier == "standard"), None)
    table = price_table(prices, visitor, rates, provenance.prices, now)
    facts = provenance.offers.get(offer.pk, {})
    limits = {column: getattr(offer, column) for column, _label in LIMITS}
    return {
        "offer": offer,
        "regions": _regions(offer),
        "prices": table,
        "current": current,
        "current_prices": next((entry for entry in table if entry["row"] is current), None),
        "limits": limits,
        "sources": [
            *(
                fact_disclosure(facts[column], column, visitor.locale, label=label)
                for column, label in LIMITS
                if column in facts and limits[column] is not None
            ),
            *(
                replace(item, label=f"{entry['row'].tier} · {item.label}")
                for entry in table
                for item in entry["sources"]
            ),
        ],
    }


def model_parts(
    canonical: CanonicalModel | None, offers: list[AIModel], visitor: Visitor, now: datetime | None = None
) -> dict:
    """The shared context of both pages. `offers` are the canonical model's (or the one model's
    when it has none), loaded by selectors.offers_of: a fixed number of queries however many."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    locale = visitor.locale
    prices = {
        offer.pk: selectors.prices_in_effect(offer.pricing.all(), as_of=today, region=visitor.region)
        for offer in offers
    }
    shown = [row for rows in prices.values() for row in rows]
    rates = rates_on([visitor.currency, *(row.currency for row in shown)], today)
    provenance = model_provenance(canonical, offers, shown)
    subject = canonical or offers[0]
    provenance_of = provenance.facts if canonical else provenance.offers.get(subject.pk, {})
    facts = facts_of(subject, provenance_of, FACTS, locale)
    lifecycle = facts_of(subject, provenance_of, LIFECYCLE, locale)
    offer_rows = [_offer_row(offer, prices[offer.pk], provenance, visitor, rates, now) for offer in offers]
    # Only a canonical model's page shows the offers' status side by side.
    status = status_of_models(model_ids=[offer.pk for offer in offers]) if canonical else {}
    best = cheapest([row["current"] for row in offer_rows], visitor.currency, rates) if len(offers) > 1 else None
    for row in offer_rows:
        row["status"] = status.get(str(row["offer"].pk))
        row["cheapest"] = best is not None and row["current"] is best
    scores = list(selectors.scores_of(canonical_ids=[canonical.pk]) if canonical else subject.benchmark_scores.all())
    scores = scores_shown(scores, real_only=bool(scores) and selectors.real_scores_exist())
    disclosures = [
        *(item for fact in facts + lifecycle for item in fact["sources"]),
        *(item for row in offer_rows for item in row["sources"]),
    ]
    cited = {score.source for score in scores}.union(*(disclosure.sources for disclosure in disclosures))
    return {
        "canonical": canonical,
        "facts": facts,
        "lifecycle": lifecycle,
        "successor": getattr(canonical, "successor", None),
        "offers": offer_rows,
        "cheapest": next((row for row in offer_rows if row["cheapest"]), None),
        "conversions": conversions_used(rates, visitor.currency, [row.currency for row in shown], locale),
        "scores": scores,
        "attributions": attributions(cited),
    }


def scores_shown(scores, *, real_only: bool) -> list:
    """The newest score per benchmark (`scores` ordered newest first per suite, with their suite),
    by benchmark name; with `real_only` (selectors.real_scores_exist) no demo score."""
    latest: dict = {}
    for score in scores:
        if not (real_only and selectors.score_is_demo(score)):
            latest.setdefault(score.suite_id, score)
    return sorted(latest.values(), key=lambda score: (score.suite.name, score.suite.slug))
