from django.urls import path

from status import read_api
from status.api import ProbeIngest

app_name = "status"

urlpatterns = [
    path("probes", ProbeIngest.as_view(), name="probes"),
    path("models/<slug:slug>/", read_api.CurrentStatus.as_view(), name="current"),
    path("models/<slug:slug>/history", read_api.StatusHistory.as_view(), name="history"),
    path("models/<slug:slug>/uptime", read_api.Uptime.as_view(), name="uptime"),
    path("rankings", read_api.Rankings.as_view(), name="rankings"),
]
