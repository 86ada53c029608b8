import datetime

import pytest

from status.detection import incidents_detect
from status.models import Incident
from tests.catalog.factories import AIModelFactory

from .rollups import probe_store, rollups_current

pytestmark = pytest.mark.django_db


def _buckets(model, region, availabilities):
    """The most recent 5-minute buckets, oldest first: one probe each, measured again on a second call."""
    now = datetime.datetime.now(datetime.UTC)
    latest = now.replace(minute=now.minute - now.minute % 5, second=0, microsecond=0)
    for back, availability in enumerate(reversed(availabilities)):
        probe_store(model.id, region, latest - datetime.timedelta(minutes=5 * back), availability)
    rollups_current()


def test_a_sustained_drop_opens_one_automatic_incident(settings):
    settings.AIGO_INCIDENT_AVAILABILITY_THRESHOLD = 95
    settings.AIGO_INCIDENT_CONSECUTIVE_BUCKETS = 3
    model = AIModelFactory()
    _buckets(model, "us-east", [99, 80, 70, 60])
    report = incidents_detect()
    assert report.opened == 1
    incident = Incident.objects.get()
    assert incident.status == "investigating" and incident.metadata["automatic"] is True
    assert incident.regions == ["us-east"] and incident.severity == "major" and incident.model == model
    assert incidents_detect().opened == 0, "no duplicate on the next run"


def test_a_short_dip_opens_nothing(settings):
    settings.AIGO_INCIDENT_CONSECUTIVE_BUCKETS = 3
    model = AIModelFactory()
    _buckets(model, "us-east", [99, 99, 40, 40])
    assert incidents_detect().opened == 0


def test_another_region_joins_the_open_incident_and_recovery_is_suggested_once(settings):
    settings.AIGO_INCIDENT_CONSECUTIVE_BUCKETS = 3
    model = AIModelFactory()
    _buckets(model, "us-east", [10, 10, 10])
    incidents_detect()
    _buckets(model, "eu-west", [90, 90, 90])
    assert incidents_detect().extended == 1
    incident = Incident.objects.get()
    assert incident.regions == ["us-east", "eu-west"]

    _buckets(model, "us-east", [99.9, 99.9, 99.9])
    assert incidents_detect().suggested == 0, "eu-west is still degraded"
    _buckets(model, "eu-west", [99.9, 99.9, 99.9])
    assert incidents_detect().suggested == 1
    assert incidents_detect().suggested == 0
    incident.refresh_from_db()
    assert incident.status == "investigating", "an operator resolves it"
    assert "suggested for resolution" in incident.updates.last().message
