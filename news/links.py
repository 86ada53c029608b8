"""Where news lives on the public site. The pages themselves come with the site; feeds, the
API and those pages build their links here so they agree."""

from .models import NewsArticle


def news_url(locale: str) -> str:
    return f"/{locale}/news/"


def article_url(article: NewsArticle, locale: str) -> str:
    return f"{news_url(locale)}{article.slug}/"
