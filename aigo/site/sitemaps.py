"""sitemap.xml: every locale's address of the models, providers, news and the fixed pages, each
with its translations as hreflang alternates (the language tags search engines match readers by)."""

from django.conf import settings
from django.contrib.sitemaps import Sitemap

from catalog.models import AIModel, CanonicalModel, Provider
from news.models import NewsArticle

PAGES = [
    "",
    "models/",
    "compare/",
    "calculator/",
    "leaderboards/",
    "providers/",
    "status/",
    "incidents/",
    "news/",
    "lifecycle/",
    "data-sources/",
    "data-quality/",
]


class _PerLocale(Sitemap):
    """Items are (locale, row) pairs: one address per locale, as the site serves them.
    Subclasses say which rows (`rows()`) and the path of one (`path(row)`)."""

    # Each address lists every locale's as an alternate: a page of 5,000 stays a few megabytes.
    limit = 5000

    def items(self):
        rows = list(self.rows())
        return [(locale, row) for locale in settings.AIGO_LOCALES for row in rows]

    def location(self, item) -> str:
        locale, row = item
        return f"/{locale}/{self.path(row)}"

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page, site, protocol)
        origin = f"{self.get_protocol(protocol)}://{self.get_domain(site)}"
        for url in urls:
            path = self.path(url["item"][1])
            url["alternates"] = [
                {"lang_code": locale, "location": f"{origin}/{locale}/{path}"} for locale in settings.AIGO_LOCALES
            ] + [{"lang_code": "x-default", "location": f"{origin}/{settings.AIGO_DEFAULT_LOCALE}/{path}"}]
        return urls


class PagesSitemap(_PerLocale):
    changefreq = "daily"

    def rows(self):
        return PAGES

    def path(self, row) -> str:
        return row


class ModelsSitemap(_PerLocale):
    changefreq = "daily"

    def rows(self):
        return AIModel.objects.order_by("slug").values_list("slug", "updated_at")

    def path(self, row) -> str:
        return f"models/{row[0]}/"

    def lastmod(self, item):
        return item[1][1]


class CanonicalModelsSitemap(ModelsSitemap):
    def rows(self):
        return CanonicalModel.objects.order_by("slug").values_list("slug", "updated_at")

    def path(self, row) -> str:
        return f"models/c/{row[0]}/"


class ProvidersSitemap(_PerLocale):
    changefreq = "weekly"

    def rows(self):
        return Provider.objects.order_by("slug").values_list("slug", "updated_at")

    def path(self, row) -> str:
        return f"providers/{row[0]}/"

    def lastmod(self, item):
        return item[1][1]


class NewsSitemap(_PerLocale):
    changefreq = "weekly"

    def rows(self):
        return NewsArticle.objects.published().order_by("-published_at").values_list("slug", "updated_at")

    def path(self, row) -> str:
        return f"news/{row[0]}/"

    def lastmod(self, item):
        return item[1][1]


SITEMAPS = {
    "pages": PagesSitemap,
    "models": ModelsSitemap,
    "canonical-models": CanonicalModelsSitemap,
    "providers": ProvidersSitemap,
    "news": NewsSitemap,
}
