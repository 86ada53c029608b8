"""The project's URLs with the status API mounted where it will live: /api/v1/status/."""

from django.urls import include, path

from aigo.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("api/v1/status/", include("status.urls", namespace="status")),
    *project_urlpatterns,
]
