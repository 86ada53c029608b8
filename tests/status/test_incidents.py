import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from status.incidents import incident_open, incident_reopen, incident_transition
from status.models import Incident
from tests.admin_forms import change_form_data
from tests.catalog.factories import AIModelFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def incident():
    return incident_open(title="Elevated errors", severity="major", message="Looking into it.", model=AIModelFactory())


def test_timestamps_follow_the_status(incident):
    assert incident.status == "investigating" and incident.identified_at is None
    incident = incident_transition(incident=incident, status="identified", message="Cause found.")
    assert incident.identified_at is not None and incident.resolved_at is None
    incident = incident_transition(incident=incident, status="monitoring", message="Fix deployed.")
    incident = incident_transition(incident=incident, status="resolved", message="All clear.")
    assert incident.resolved_at >= incident.identified_at >= incident.started_at
    assert [u.status for u in incident.updates.order_by("created_at", "id")] == [
        "investigating",
        "identified",
        "monitoring",
        "resolved",
    ]


def test_skipping_straight_to_resolved_sets_both_times(incident):
    incident = incident_transition(incident=incident, status="resolved", message="Transient.")
    assert incident.identified_at is not None and incident.resolved_at is not None


def test_no_going_back_from_resolved_without_reopening(incident):
    incident = incident_transition(incident=incident, status="resolved", message="Done.")
    with pytest.raises(ValidationError, match="reopen"):
        incident_transition(incident=incident, status="monitoring", message="Oops.")
    incident = incident_reopen(incident=incident, message="It is back.")
    assert incident.status == "investigating" and incident.resolved_at is None
    with pytest.raises(ValidationError):
        incident_reopen(incident=incident, message="Again?")


def test_the_database_keeps_resolution_time_and_status_together(incident):
    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.filter(pk=incident.pk).update(status="resolved")
    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.filter(pk=incident.pk).update(resolved_at=timezone.now())


def test_status_operators_manage_incidents_and_nothing_else():
    codenames = set(Group.objects.get(name="Status operators").permissions.values_list("codename", flat=True))
    assert codenames == {
        f"{a}_{m}" for a in ("add", "change", "delete", "view") for m in ("incident", "incidentupdate")
    }


def test_an_operator_moves_an_incident_in_the_admin_with_a_timeline_message(client, incident):
    operator = User.objects.create_user("oncall", password="pw", is_staff=True)
    operator.groups.add(Group.objects.get(name="Status operators"))
    client.force_login(operator)
    url = f"/admin/status/incident/{incident.pk}/change/"
    data = change_form_data(client.get(url))
    data.update({"status": "identified", "update_message": ""})
    refused = client.post(url, data)
    assert refused.status_code == 200 and "public timeline" in str(refused.context["adminform"].form.errors)
    data["update_message"] = "Upstream capacity issue."
    assert client.post(url, data).status_code == 302
    incident.refresh_from_db()
    assert incident.status == "identified" and incident.identified_at is not None
    assert incident.updates.last().author == "oncall"


def test_the_admin_refuses_to_unresolve(admin_client, incident):
    incident_transition(incident=incident, status="resolved", message="Done.")
    url = f"/admin/status/incident/{incident.pk}/change/"
    data = change_form_data(admin_client.get(url))
    data.update({"status": "monitoring", "update_message": "Hmm."})
    response = admin_client.post(url, data)
    assert response.status_code == 200 and "reopen it first" in str(response.context["adminform"].form.errors)


def test_incidents_are_in_the_audit_trail(incident):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM audit_trail WHERE table_name IN ('incidents', 'incident_updates')")
        assert cursor.fetchone()[0] >= 2
