"""News pages of the public site: the list (all, by tag, by category) and the article."""

from django.core.paginator import Paginator
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from aigo.i18n import resolve
from aigo.site.cache import cached_page
from news import selectors
from news.models import CATEGORIES, NewsArticle
from news.rendering import render_localized
from news.view_counts import article_view_count, article_view_record

PAGE_SIZE = 20


def _listing(request, locale: str, *, heading: str, articles, **context):
    page = Paginator(articles.order_by("-published_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "site/news/list.html",
        {"nav": "news", "heading": heading, "page": page, "categories": CATEGORIES, **context},
    )


@cached_page("news")
def news_list(request, locale: str):
    return _listing(request, locale, heading=gettext("News"), articles=selectors.news_list())


@cached_page("news")
def news_category(request, locale: str, category: str):
    labels = dict(CATEGORIES)
    if category not in labels:
        raise Http404("No such category")
    articles = selectors.news_list(category=category)
    return _listing(request, locale, heading=str(labels[category]), articles=articles, category=category)


@cached_page("news")
def news_tag(request, locale: str, tag: str):
    heading = gettext("News tagged “%(tag)s”") % {"tag": tag}
    return _listing(request, locale, heading=heading, articles=selectors.news_list(tag=tag), tag=tag)


def article(request, locale: str, slug: str):
    try:
        found = selectors.news_detail(slug=slug)
    except NewsArticle.DoesNotExist:
        raise Http404("No such article") from None
    article_view_record(found.id)
    return TemplateResponse(
        request,
        "site/news/article.html",
        {
            "nav": "news",
            "article": found,
            "title": resolve(found.title, locale),
            "summary": resolve(found.summary, locale),
            # Sanitized by news.rendering (nh3 allow-list) before it is marked safe.
            "content": mark_safe(render_localized(found.content, locale)),  # noqa: S308
            "in_locale": locale in found.available_locales,
            "views": article_view_count(found),
            "category_label": dict(CATEGORIES).get(found.category),
            "page_events": [{"type": "news_view", "properties": {"article": found.slug, "path": request.path}}],
        },
    )
