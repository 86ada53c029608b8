"""Events of incidents, news, retirements coming and status, each announced once."""

import datetime

import pytest
from django.utils import timezone

from catalog.changes.lifecycle import lifecycle_announce
from catalog.models import AIModel, ChangeEvent
from news.changes import scheduled_news_announce
from status.changes import status_changes_record
from status.incidents import incident_open, incident_transition
from tests.catalog.factories import AIModelFactory, CanonicalModelFactory, ProviderFactory
from tests.news.factories import NewsArticleFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 1)


def _types() -> list[tuple[str, str]]:
    return list(ChangeEvent.objects.exclude(type="model.created").order_by("id").values_list("type", "subject"))


@pytest.fixture
def model():
    return AIModelFactory(slug="gpt-4o", provider=ProviderFactory(slug="openai"))


def test_an_incident_is_opened_updated_and_resolved_once_each(model):
    incident = incident_open(title="Errors", severity="major", message="Looking into it", model=model)
    incident_transition(incident=incident, status="identified", message="Found it")
    incident_transition(incident=incident, status="resolved", message="Fixed")

    subject = str(incident.pk)
    assert _types() == [("incident.opened", subject), ("incident.updated", subject), ("incident.resolved", subject)]
    opened, updated, resolved = ChangeEvent.objects.filter(subject=subject).order_by("id")
    assert (opened.model, opened.provider) == ("gpt-4o", "openai")
    assert opened.payload["after"]["severity"] == "major"
    assert updated.payload == {"after": {"status": "identified", "message": "Found it"}}
    assert resolved.payload["before"] == {"status": "identified"}


def test_an_article_is_announced_when_published_and_a_scheduled_one_when_its_time_comes():
    now = timezone.now()
    NewsArticleFactory(slug="out-now", published_at=now - datetime.timedelta(minutes=1))
    NewsArticleFactory(slug="draft", published_at=None)
    later = NewsArticleFactory(slug="later", published_at=now + datetime.timedelta(seconds=30))
    assert _types() == [("news.published", "out-now")]

    assert scheduled_news_announce(now, now + datetime.timedelta(minutes=1)) == 1
    assert scheduled_news_announce(now, now + datetime.timedelta(minutes=1)) == 0  # once
    assert _types()[-1] == ("news.published", "later")
    assert ChangeEvent.objects.get(subject="later").payload["after"]["title"] == later.title


def test_a_retirement_is_announced_30_7_and_1_days_ahead_then_on_its_day_once_each(model):
    successor = CanonicalModelFactory(slug="gpt-5")
    model.canonical_model = CanonicalModelFactory(slug="gpt-4o-c", successor=successor)
    model.deprecated_at, model.sunset_at = TODAY, TODAY + datetime.timedelta(days=40)
    model.save()

    days = [0, 10, 11, 12, 34, 39, 40, 41]  # from TODAY: -30 d, -7 d, -1 d, sunset day
    written = [lifecycle_announce(TODAY + datetime.timedelta(days=day)) for day in days]

    assert written == [0, 1, 0, 0, 1, 1, 1, 0]
    events = ChangeEvent.objects.filter(type__in=["model.retiring", "model.retired"]).order_by("id")
    assert [(event.type, event.payload.get("days")) for event in events] == [
        ("model.retiring", 30),
        ("model.retiring", 7),
        ("model.retiring", 1),
        ("model.retired", None),
    ]
    assert events[0].payload["successor"] == "gpt-5" and events[0].payload["days_left"] == 30


def test_a_sunset_set_close_is_announced_at_its_nearest_mark_and_old_sunsets_are_not_news(model):
    AIModel.objects.filter(pk=model.pk).update(sunset_at=TODAY + datetime.timedelta(days=5))
    AIModelFactory(sunset_at=TODAY - datetime.timedelta(days=400))

    assert lifecycle_announce(TODAY) == 1
    assert ChangeEvent.objects.get(type="model.retiring").payload["days"] == 7


def test_status_is_announced_when_the_detectors_verdict_changes(model):
    down = {(model.pk, "eu-west"): 42.125}

    assert status_changes_record(down, set(), threshold=95.0) == 1
    assert status_changes_record(down, set(), threshold=95.0) == 0  # still down: said already
    assert status_changes_record({}, {(model.pk, "us-east")}, threshold=95.0) == 0  # never down there
    assert status_changes_record({}, {(model.pk, "eu-west")}, threshold=95.0) == 1
    assert status_changes_record({}, {(model.pk, "eu-west")}, threshold=95.0) == 0

    degraded, recovered = ChangeEvent.objects.filter(type__startswith="status.").order_by("id")
    assert (degraded.type, degraded.payload) == (
        "status.degraded",
        {"region": "eu-west", "threshold": 95.0, "after": {"availability": 42.12}},
    )
    assert (recovered.type, recovered.source) == ("status.recovered", {"kind": "detector", "actor": "detector:status"})
