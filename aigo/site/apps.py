from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The public site: an app of its own for its template tags and static files."""

    name = "aigo.site"
    label = "site"
    verbose_name = "Public site"

    def ready(self) -> None:
        from aigo.site.tasks import redraw_status_overview_soon
        from status.live import status_dropped

        status_dropped.connect(redraw_status_overview_soon, dispatch_uid="site-status-overview-redraw")
