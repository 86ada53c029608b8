from csp.decorators import csp_exempt
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from aigo.api.search import Search

app_name = "api"

urlpatterns = [
    # Django tries the patterns in order: the event beacons, the most frequent requests, match first.
    path("v1/", include("analytics.urls", namespace="analytics")),
    path("v1/", include("catalog.api.urls", namespace="catalog")),
    path("v1/search/", Search.as_view(), name="search"),
    path("v1/", include("news.api.urls", namespace="news")),
    path("v1/me/", include("accounts.urls", namespace="accounts")),
    path("v1/status/", include("status.urls", namespace="status")),
    path("v1/webhooks/", include("webhooks.urls", namespace="webhooks")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI and Redoc start from inline scripts: the only pages without the site's CSP.
    path("docs/", csp_exempt()(SpectacularSwaggerView.as_view(url_name="api:schema")), name="docs"),
    path("redoc/", csp_exempt()(SpectacularRedocView.as_view(url_name="api:schema")), name="redoc"),
]
