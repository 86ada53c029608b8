"""Automatic incidents from the 5-minute rollups.

A model whose availability in a region stays below AIGO_INCIDENT_AVAILABILITY_THRESHOLD for
AIGO_INCIDENT_CONSECUTIVE_BUCKETS consecutive 5-minute buckets gets an `investigating`
incident flagged automatic (one per model, its regions growing as others degrade). When every
region of such an incident is back above the threshold for as many buckets, the incident is
marked as suggested for resolution: an operator confirms it, nothing is resolved silently.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from catalog.models import AIModel
from status.changes import status_changes_record
from status.incidents import incident_open
from status.models import Incident, IncidentUpdate

AUTHOR = "automatic detection"

# The last N buckets of each (model, region) within the last N + 1 bucket widths.
RECENT = """
WITH recent AS (
    SELECT model_id, region, avg_availability,
           row_number() OVER (PARTITION BY model_id, region ORDER BY bucket DESC) AS position
    FROM status_5min
    WHERE bucket >= time_bucket('5 minutes', now()) - %(span)s * INTERVAL '5 minutes'
)
SELECT model_id, region, bool_and(avg_availability < %(threshold)s), bool_and(avg_availability >= %(threshold)s),
       min(avg_availability)
FROM recent WHERE position <= %(buckets)s
GROUP BY model_id, region
HAVING count(*) = %(buckets)s
"""


@dataclass
class Detection:
    opened: int = 0
    extended: int = 0
    suggested: int = 0
    announced: int = 0  # status.degraded / status.recovered events


def _severity(availability: float) -> str:
    return "critical" if availability < 50 else "major" if availability < 90 else "minor"


@transaction.atomic
def incidents_detect() -> Detection:
    threshold = settings.AIGO_INCIDENT_AVAILABILITY_THRESHOLD
    buckets = settings.AIGO_INCIDENT_CONSECUTIVE_BUCKETS
    with connection.cursor() as cursor:
        cursor.execute(RECENT, {"span": buckets + 1, "threshold": threshold, "buckets": buckets})
        rows = cursor.fetchall()
    degraded = {(model_id, region): float(worst) for model_id, region, down, _up, worst in rows if down}
    healthy = {(model_id, region) for model_id, region, _down, up, _worst in rows if up}

    report = Detection(announced=status_changes_record(degraded, healthy, threshold))
    active = {
        incident.model_id: incident
        for incident in Incident.objects.select_for_update()
        .filter(metadata__automatic=True)
        .exclude(status="resolved")
        .order_by("started_at")
    }
    models = AIModel.objects.select_related("provider").in_bulk({model_id for model_id, _ in degraded})
    for (model_id, region), worst in sorted(degraded.items(), key=lambda item: str(item[0])):
        incident = active.get(model_id)
        if incident is None:
            model = models[model_id]
            active[model_id] = incident_open(
                title=f"{model.display_name()} degraded in {region}",
                severity=_severity(worst),
                message=f"Availability below {threshold} % for {buckets} consecutive 5-minute periods "
                f"(lowest {worst:.2f} %).",
                author=AUTHOR,
                model=model,
                regions=[region],
                metadata={"automatic": True, "threshold": threshold},
            )
            report.opened += 1
        elif region not in incident.regions:
            incident.regions = [*incident.regions, region]
            incident.metadata.pop("resolution_suggested_at", None)
            incident.save(update_fields=["regions", "metadata"])
            IncidentUpdate.objects.create(
                incident=incident, status=incident.status, message=f"Also degraded in {region}.", author=AUTHOR
            )
            report.extended += 1

    for incident in active.values():
        recovered = incident.regions and all((incident.model_id, region) in healthy for region in incident.regions)
        if recovered and "resolution_suggested_at" not in incident.metadata:
            incident.metadata["resolution_suggested_at"] = timezone.now().isoformat()
            incident.save(update_fields=["metadata"])
            IncidentUpdate.objects.create(
                incident=incident,
                status=incident.status,
                message=f"Availability back above {threshold} % in every affected region: suggested for resolution.",
                author=AUTHOR,
            )
            report.suggested += 1
    return report
