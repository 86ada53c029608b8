"""The admin in the editor's language: the one they picked in its header (Django's language
cookie, set by `set_language`), else their browser's, among settings.LANGUAGES. Django ships the
admin's own strings in each; ours come from locale/. The site and the API choose their language
from the address and the request instead, so this runs for the admin's addresses only."""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

from aigo.i18n import response_in


class AdminLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = "/" + settings.ADMIN_URL.lstrip("/")

    def __call__(self, request):
        if not request.path_info.startswith(self.prefix):
            return self.get_response(request)
        language = request.LANGUAGE_CODE = translation.get_language_from_request(request)
        response = response_in(language, self.get_response, request)
        patch_vary_headers(response, ["Accept-Language", "Cookie"])
        response.headers.setdefault("Content-Language", language)
        return response
