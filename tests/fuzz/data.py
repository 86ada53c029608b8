"""What the real catalog lacks for the fuzzing to go past a 404: news that mentions models and an
incident with a timeline. Loaded through `manage.py shell` after the import
(tests/fuzz/test_api_schemathesis.py)."""

from catalog.models import AIModel
from status.incidents import incident_open, incident_transition
from tests.news.factories import NewsArticleFactory, NewsModelMentionFactory


def load() -> None:
    models = list(AIModel.objects.filter(is_active=True).order_by("slug")[:3])
    for index, model in enumerate(models):
        article = NewsArticleFactory(slug=f"fuzz-news-{index}", is_featured=index == 0)
        NewsModelMentionFactory(news=article, model=model)
    incident = incident_open(model=models[0], severity="major", title="Elevated errors", message="Investigating.")
    incident_transition(incident=incident, status="identified", message="A faulty deploy was found.")
