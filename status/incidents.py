"""The incident lifecycle: investigating → identified → monitoring → resolved.

Timestamps follow the status (identified_at on the first move past investigating, resolved_at
on resolution); every move adds a public timeline entry; a resolved incident only moves again
through `incident_reopen`.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from status.models import Incident, IncidentUpdate

PAST_INVESTIGATING = {"identified", "monitoring", "resolved"}


def incident_check_transition(*, current: str, wanted: str) -> None:
    if current == "resolved" and wanted != "resolved":
        raise ValidationError("A resolved incident cannot change status: reopen it first.", code="resolved")


@transaction.atomic
def incident_open(
    *,
    title: str,
    severity: str,
    message: str,
    author: str = "",
    model=None,
    provider=None,
    regions: list[str] | None = None,
    started_at: datetime | None = None,
    metadata: dict | None = None,
) -> Incident:
    incident = Incident(
        title=title,
        severity=severity,
        status="investigating",
        model=model,
        provider=provider or (model.provider if model else None),
        regions=regions or [],
        started_at=started_at or timezone.now(),
        metadata=metadata or {},
    )
    incident.full_clean()
    incident.save()
    IncidentUpdate.objects.create(incident=incident, status="investigating", message=message, author=author)
    return incident


@transaction.atomic
def incident_transition(*, incident: Incident, status: str, message: str, author: str = "") -> Incident:
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    incident_check_transition(current=incident.status, wanted=status)
    now = timezone.now()
    if status in PAST_INVESTIGATING and incident.identified_at is None:
        incident.identified_at = now
    if status == "resolved" and incident.resolved_at is None:
        incident.resolved_at = now
    incident.status = status
    incident.full_clean()
    incident.save()
    IncidentUpdate.objects.create(incident=incident, status=status, message=message, author=author)
    return incident


@transaction.atomic
def incident_reopen(*, incident: Incident, message: str, author: str = "") -> Incident:
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.status != "resolved":
        raise ValidationError("Only a resolved incident can be reopened.", code="not_resolved")
    incident.status = "investigating"
    incident.resolved_at = None
    incident.full_clean()
    incident.save()
    IncidentUpdate.objects.create(incident=incident, status="investigating", message=message, author=author)
    return incident
