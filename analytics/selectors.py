from collections.abc import Iterable

from catalog.models import AIModel


def models_by_id(ids: Iterable) -> dict[str, AIModel]:
    """The models named by these ids (str keys), with their provider, in one query."""
    models = (
        AIModel.objects.filter(id__in=list(ids))
        .select_related("provider")
        .only("id", "slug", "name", "provider__slug", "provider__name")
    )
    return {str(model.id): model for model in models}
