"""RSS 2.0 and Atom feeds of published news, per locale and per model."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext

from aigo.i18n import resolve, translated
from catalog.models import AIModel

from . import selectors
from .links import article_url, news_url
from .models import NewsArticle

FEED_SIZE = 50


class NewsFeed(Feed):
    feed_type = Rss201rev2Feed

    def get_object(self, request, locale: str, slug: str | None = None) -> tuple[str, AIModel | None]:
        if locale not in settings.AIGO_LOCALES:
            raise Http404(f"Unknown locale {locale!r}.")
        model = get_object_or_404(AIModel, slug=slug) if slug else None
        return locale, model

    def title(self, obj) -> str:
        locale, model = obj
        if model:
            return gettext("AI-GO news: %(model)s") % {"model": model.display_name(locale)}
        return gettext("AI-GO news")

    def link(self, obj) -> str:
        return news_url(obj[0])

    def description(self, obj) -> str:
        locale, model = obj
        if model:
            return gettext("News about %(model)s from AI-GO.") % {"model": model.display_name(locale)}
        return gettext("News about AI models from AI-GO.")

    subtitle = description  # Atom's name for it

    def get_feed(self, obj, request):
        with translated(obj[0]):
            feed = super().get_feed(obj, request)
        feed.feed["language"] = obj[0]  # Feed takes it from the active translation, not from the object
        return feed

    def items(self, obj) -> list[NewsArticle]:
        locale, model = obj
        articles = list(selectors.news_list(model=model.slug if model else None)[:FEED_SIZE])
        # item_* hooks see only the item, and this Feed instance serves every request at once.
        for article in articles:
            article.feed_locale = locale
        return articles

    def item_title(self, item: NewsArticle) -> str:
        return resolve(item.title, item.feed_locale) or item.slug

    def item_description(self, item: NewsArticle) -> str:
        return resolve(item.summary, item.feed_locale) or ""

    def item_link(self, item: NewsArticle) -> str:
        return article_url(item, item.feed_locale)

    def item_guid(self, item: NewsArticle) -> str:
        return f"urn:uuid:{item.id}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: NewsArticle):
        return item.published_at

    def item_updateddate(self, item: NewsArticle):
        return item.updated_at

    def item_categories(self, item: NewsArticle) -> list[str]:
        return [item.category, *item.tags] if item.category else list(item.tags)


class AtomNewsFeed(NewsFeed):
    feed_type = Atom1Feed
