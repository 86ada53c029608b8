from django.urls import include, path

from aigo.urls import urlpatterns as project_urlpatterns
from status import read_api

status_read = [
    path("models/<slug:slug>/", read_api.CurrentStatus.as_view()),
    path("models/<slug:slug>/history", read_api.StatusHistory.as_view()),
    path("models/<slug:slug>/uptime", read_api.Uptime.as_view()),
    path("rankings", read_api.Rankings.as_view()),
]

urlpatterns = [path("api/v1/status/", include(status_read)), *project_urlpatterns]
