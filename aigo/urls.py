from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from aigo import health

admin.site.site_header = "AI-GO editors"
admin.site.site_title = "AI-GO admin"
admin.site.index_title = "Catalog and operations"
admin.site.site_url = None  # no public site yet: hide the "View site" link rather than lead to a 404

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("api/", include("aigo.api.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
]
