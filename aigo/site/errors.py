"""The friendly error pages, in the locale of the address (else the browser's)."""

import sys

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader

from aigo.api.errors import API_PREFIX, error_response
from aigo.api.unavailable import DatabaseUnavailable, database_unavailable
from aigo.i18n import locale_from_accept_language, translated
from aigo.site.locale import locale_of_path


def _error_locale(request) -> str:
    return (
        locale_of_path(request.path_info)
        or locale_from_accept_language(request.META.get("HTTP_ACCEPT_LANGUAGE", ""))
        or settings.AIGO_DEFAULT_LOCALE
    )


def page_not_found(request, exception=None):
    request.locale = _error_locale(request)
    with translated(request.locale):
        return render(request, "site/404.html", status=404)


def server_error(request):
    """Plain: no context processors, which might need the database or cache that just failed.
    Django calls this while handling the exception: a database that cannot answer is a 503 that
    says when to retry (the page's "try again in a minute" fits both)."""
    unavailable = database_unavailable(sys.exception())
    if unavailable and request.path_info.startswith(API_PREFIX):
        error = DatabaseUnavailable()
        response = error_response(error.status_code, error.default_code, str(error.detail), error.details)
    else:
        locale = _error_locale(request)
        with translated(locale):
            page = loader.get_template("site/500.html").render({"locale": locale})
        response = HttpResponse(page, status=503 if unavailable else 500)
    if unavailable:
        response["Retry-After"] = str(DatabaseUnavailable.wait)
    return response
