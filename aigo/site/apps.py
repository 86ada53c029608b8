from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The public site: an app of its own for its template tags and static files."""

    name = "aigo.site"
    label = "site"
    verbose_name = "Public site"
