"""The review queue starts where readers are: open disagreements ranked by their model's trending."""

import pytest

from analytics.review_queue import disagreements_rank
from analytics.trending import trending_record
from catalog.models import SourceDisagreement
from tests.catalog.factories import AIModelFactory, CanonicalModelFactory

pytestmark = pytest.mark.django_db


def _case(subject, target, status="open"):
    return SourceDisagreement.objects.create(
        subject=subject, target_id=target.pk, field="context_window", values={"a": 1, "b": 2}, status=status
    )


def test_open_cases_are_ranked_by_their_models_views_then_the_newest():
    sonnet = CanonicalModelFactory(slug="sonnet")
    own, resold = AIModelFactory(canonical_model=sonnet), AIModelFactory(canonical_model=sonnet)
    popular, quiet = AIModelFactory(), AIModelFactory()
    for model_ids in ([own.pk, resold.pk, popular.pk], [own.pk, popular.pk], [resold.pk], [popular.pk]):
        trending_record(model_ids=[str(pk) for pk in model_ids])
    canonical = _case("canonical", sonnet)  # 2 + 2 views through its offers
    offer = _case("offer", popular)  # 3 views
    unseen = _case("offer", quiet)
    done = _case("canonical", sonnet, status="superseded")

    assert disagreements_rank() == 2
    queue = list(SourceDisagreement.objects.filter(status="open"))
    assert queue == [canonical, offer, unseen]
    assert [case.impact for case in queue] == [4.0, 3.0, 0.0]
    done.refresh_from_db()
    assert done.impact == 0  # only open cases are ranked
    assert disagreements_rank() == 0  # nothing moved since
