"""Middleware the API does without: sessions, Django's user and messages serve the site and the
admin, while an API request is anonymous or carries a key (accounts.authentication) and reads no
session (the visitor's preferences go by their own cookie). Skipped under /api/, they cost an API
request nothing; as subclasses, Django's checks still find them where the admin needs them."""

from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware

from aigo.api.errors import API_PREFIX


class _SiteOnly:
    async_capable = False  # served by WSGI; __call__ below is synchronous

    def __call__(self, request):
        if request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        return super().__call__(request)


class SiteSessionMiddleware(_SiteOnly, SessionMiddleware):
    pass


class SiteAuthenticationMiddleware(_SiteOnly, AuthenticationMiddleware):
    pass


class SiteMessageMiddleware(_SiteOnly, MessageMiddleware):
    pass
