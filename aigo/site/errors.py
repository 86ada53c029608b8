"""The friendly error pages, in the locale of the address (else the browser's)."""

import sys

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils import translation

from aigo.api.unavailable import RETRY_AFTER_SECONDS, database_unavailable, database_unavailable_response
from aigo.i18n import locale_from_accept_language
from aigo.site.locale import django_language, locale_of_path


def _error_locale(request) -> str:
    return (
        locale_of_path(request.path_info)
        or locale_from_accept_language(request.META.get("HTTP_ACCEPT_LANGUAGE", ""))
        or settings.AIGO_DEFAULT_LOCALE
    )


def page_not_found(request, exception=None):
    request.locale = _error_locale(request)
    with translation.override(django_language(request.locale)):
        return render(request, "site/404.html", status=404)


def server_error(request):
    """Plain: no context processors, which might need the database or cache that just failed.
    Django calls this while handling the exception: a database that cannot answer is a 503 that
    says when to retry (the page's "try again in a minute" fits both)."""
    unavailable = database_unavailable(sys.exception())
    if unavailable and request.path_info.startswith("/api/"):
        return database_unavailable_response()
    locale = _error_locale(request)
    with translation.override(django_language(locale)):
        page = loader.get_template("site/500.html").render({"locale": locale})
    if unavailable:
        return HttpResponse(page, status=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
    return HttpResponse(page, status=500)
