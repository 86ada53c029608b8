"""The catalog's rows when it lists models as their makers release them (canonical models): the
maker, the best current standard price among the offers in the visitor's currency, how many
offers there are, the context window, the release date and a headline score."""

from collections import defaultdict
from datetime import date

from django.db.models import F, FloatField, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Lower

from aigo.site.catalog.prices import prices_listed
from aigo.site.catalog.provenance import attributions
from aigo.site.visitor import Visitor
from analytics.trending import trending_scores
from catalog import selectors
from catalog.currency import conversions_used
from catalog.models import CanonicalModel
from catalog.offers import cheapest

POPULAR_OFFERS = 500  # the most viewed offers that rank models by popularity; the rest count none


def models_sorted(offers: QuerySet, sort: str) -> QuerySet[CanonicalModel]:
    """The canonical models of these offers (the filtered listing): newest first unless `sort`
    says "popular" (most viewed offers, then most offered) or "name" (A to Z)."""
    models = selectors.canonical_list(offer_ids=offers.values("id"))
    if sort == "name":
        return models.order_by(Lower(KeyTextTransform("en-US", "name")), "slug")
    if sort == "popular":
        return _by_popularity(models)
    # uses index: idx_canonical_models_released
    return models.order_by(F("released_at").desc(nulls_last=True), "slug")


def _by_popularity(models: QuerySet[CanonicalModel]) -> QuerySet[CanonicalModel]:
    """Trending views (analytics) of every offer, summed per canonical model; offers first when
    nobody has looked yet, so a model many providers sell still ranks above a niche one."""
    scores, _where = trending_scores()
    top = scores[:POPULAR_OFFERS]
    canonical = selectors.canonical_of_offers(model_ids=[model_id for model_id, _score in top])
    views: dict = defaultdict(float)
    for model_id, score in top:
        if model_id in canonical:
            views[canonical[model_id]] += score
    # Two arrays, not a CASE of a few hundred branches: Django took 20 ms to build that and
    # PostgreSQL as long to test each row against every branch.
    popularity = RawSQL(
        "coalesce((%s::float8[])[array_position(%s::uuid[], canonical_models.id)], 0)",
        (list(views.values()), list(views)),
        output_field=FloatField(),
    )
    return models.annotate(popularity=popularity).order_by("-popularity", "-offer_count", "slug")


def catalog_rows(page, visitor: Visitor, today: date, rates) -> dict:
    """The page's rows and what the page says about them (conversions, attributions): a fixed
    number of queries whatever the page holds. `rates` cover the listing's currencies, which are
    those of every offer's standard price today."""
    ids = [model.pk for model in page]
    prices = defaultdict(list)
    # Tuples, not model instances: a page of popular models has hundreds of price rows (20 ms
    # as instances, 3.5 ms as tuples for 388), and a row here is only compared and shown.
    for row in selectors.standard_prices_of(canonical_ids=ids, as_of=today).values_list(
        "canonical_id", "currency", "input_per_million", "output_per_million", named=True
    ):
        prices[row.canonical_id].append(row)
    # The cheapest priced offer; else (every offer free, or none convertible) the first.
    best = {pk: cheapest(rows, visitor.currency, rates) or rows[0] for pk, rows in prices.items()}
    shown = {
        row.canonical_id: (input_, output)
        for row, input_, output in prices_listed(best.values(), visitor, rates, "currency")
    }
    scores = selectors.headline_scores(canonical_ids=ids)
    return {
        "models": [{"model": model, "price": shown.get(model.pk), "score": scores.get(model.pk)} for model in page],
        "conversions": conversions_used(
            rates, visitor.currency, [row.currency for row in best.values()], visitor.locale
        ),
        "attributions": attributions(score.source for score in scores.values()),
    }
