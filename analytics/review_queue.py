"""The review queue's order: each open source disagreement's impact is how much readers look at
the model it is about (its trending score; a canonical model's, the sum of its offers'), so editors
start where a wrong value would be seen most. Lives here, above the catalog, because trending is
analytics' (catalog may not import it)."""

from collections import defaultdict

from catalog.models import AIModel, SourceDisagreement

from .trending import trending_scores


def disagreements_rank() -> int:
    """Set the impact of every open case from today's trending scores; returns the cases changed."""
    views = {model_id: score for model_id, score in trending_scores()[0]}
    cases = list(SourceDisagreement.objects.filter(status="open").only("pk", "subject", "target_id", "impact"))
    canonical_views: dict = defaultdict(float)
    canonical_ids = {case.target_id for case in cases if case.subject == "canonical"}
    for offer_id, canonical_id in AIModel.objects.filter(canonical_model__in=canonical_ids).values_list(
        "pk", "canonical_model_id"
    ):
        canonical_views[canonical_id] += views.get(str(offer_id), 0.0)
    changed = []
    for case in cases:
        impact = canonical_views[case.target_id] if case.subject == "canonical" else views.get(str(case.target_id), 0.0)
        if round(impact, 6) != round(case.impact, 6):
            case.impact = impact
            changed.append(case)
    SourceDisagreement.objects.bulk_update(changed, ["impact"], batch_size=1000)
    return len(changed)
