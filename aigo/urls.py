from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from aigo.ops import health, metrics
from aigo.site import badges, changes, errors, following, root
from aigo.site.sitemaps import SITEMAPS
from catalog.api.exports import export_file

admin.site.site_header = _("AI-GO editors")
admin.site.site_title = _("AI-GO admin")
admin.site.index_title = _("Catalog and operations")
admin.site.site_url = "/"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics_view, name="metrics"),
    path("api/", include("aigo.api.urls")),
    path("news/feed/", include("news.urls")),
    path("badges/<slug:slug>/<str:kind>.svg", badges.badge, name="badge"),
    path("exports/<str:day>/<str:name>", export_file, name="export_file"),
    path("changes/feed/private/<str:token>/atom.xml", following.private_atom, name="private_changes_atom"),
    path("changes/feed/<locale:locale>/atom.xml", changes.changes_feed, {"kind": "atom"}, name="changes_atom"),
    path("changes/feed/<locale:locale>/rss.xml", changes.changes_feed, {"kind": "rss"}, name="changes_rss"),
    # The editor's choice of the admin's language (a cookie; aigo.admin.language reads it).
    path(f"{settings.ADMIN_URL}language/", set_language, name="admin_language"),
    path(settings.ADMIN_URL, admin.site.urls),
    path("", root.root, name="root"),
    path("robots.txt", root.robots_txt, name="robots"),
    path(
        "sitemap.xml", sitemap_views.index, {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap"}, name="sitemap-index"
    ),
    path("sitemap-<section>.xml", sitemap_views.sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("<locale:locale>/", include("aigo.site.urls")),
]

handler404 = errors.page_not_found
handler500 = errors.server_error
