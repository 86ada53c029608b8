"""The site's locale lives in the URL (/zh-CN/models/...): one address per language, which
search engines index and visitors can share. This module turns that prefix into Django's
active translation and offers the other locales' addresses of the same page (hreflang).
"""

import re

from django.conf import settings
from django.urls import register_converter

from aigo.i18n import django_language, response_in


class LocaleConverter:
    """A configured locale exactly as written (en-US, zh-CN): anything else is not a site URL."""

    @property
    def regex(self) -> str:
        return "|".join(re.escape(locale) for locale in settings.AIGO_LOCALES)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(LocaleConverter, "locale")


def locale_of_path(path: str) -> str | None:
    """The locale a site path starts with, if any."""
    first = path.lstrip("/").split("/", 1)[0]
    return first if first in settings.AIGO_LOCALES else None


def path_in_locale(path: str, locale: str) -> str:
    """The same page in another locale: /ja-JP/models/x/ -> /de-DE/models/x/."""
    current = locale_of_path(path)
    rest = path.lstrip("/").split("/", 1)[1] if current and "/" in path.lstrip("/") else ""
    return f"/{locale}/{rest}"


class SiteLocaleMiddleware:
    """Activates the URL's locale for translation and formatting while a site view runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        locale = locale_of_path(request.path_info)
        if locale is None:
            return self.get_response(request)
        request.locale = locale
        response = response_in(django_language(locale), self.get_response, request)
        response.headers.setdefault("Content-Language", locale)
        return response
