from django.urls import path

from status import incidents_api, read_api
from status.api import ProbeIngest
from status.stream import status_stream

app_name = "status"

urlpatterns = [
    path("probes", ProbeIngest.as_view(), name="probes"),
    path("models/<slug:slug>/", read_api.CurrentStatus.as_view(), name="current"),
    path("models/<slug:slug>/history", read_api.StatusHistory.as_view(), name="history"),
    path("models/<slug:slug>/uptime", read_api.Uptime.as_view(), name="uptime"),
    path("rankings", read_api.Rankings.as_view(), name="rankings"),
    path("stream", status_stream, name="stream"),
    path("probes/nearest", read_api.NearestProbes.as_view(), name="nearest-probes"),
    path("incidents/", incidents_api.IncidentList.as_view(), name="incident-list"),
    path("incidents/<uuid:pk>/", incidents_api.IncidentDetail.as_view(), name="incident-detail"),
]
