"""DRF authentication by API key: `Authorization: Bearer <key>` or `X-API-Key: <key>`.

A request without a key is anonymous (reads stay open; RequireScope guards writes). A request
with a key that does not verify is refused with 401 wherever it goes, even on a public read: a
client that sends a key wants to know it is wrong. On success request.user is None (the
project's unauthenticated user: a key is not a Django user) and request.auth is the ApiKey,
whose public_id, scopes and rate_limit the permission and rate-limit code read.
"""

from django.db import connection
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication

from accounts.audit import actor_of_key, audit_context_set
from accounts.keys import api_key_verify
from accounts.models import ApiKey
from aigo.api.ratelimit import client_ip

REALM = 'Bearer realm="api"'
# Longer than any key with room for whitespace; anything longer is refused unread.
MAX_HEADER_LENGTH = 200


class InvalidApiKey(exceptions.AuthenticationFailed):
    default_detail = "The API key is malformed, unknown, expired or revoked."
    default_code = "invalid_api_key"


def presented_key(meta: dict) -> str | None:
    """The key the request carries, "" for one that is presented but unusable, None for none."""
    authorization = meta.get("HTTP_AUTHORIZATION", "")
    header_key = meta.get("HTTP_X_API_KEY")
    bearer = None
    if authorization:
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() == "bearer":  # other schemes are not ours to judge
            bearer = "" if len(authorization) > MAX_HEADER_LENGTH else value.strip()
    if header_key is not None:
        if len(header_key) > MAX_HEADER_LENGTH:
            return ""
        header_key = header_key.strip()
        if bearer is not None and bearer != header_key:
            return ""  # two different keys: refuse rather than pick one
        return header_key
    return bearer


class ApiKeyAuthentication(BaseAuthentication):
    def authenticate(self, request) -> tuple[None, ApiKey] | None:
        raw = presented_key(request.META)
        if raw is None:
            return None
        key = api_key_verify(raw) if raw else None
        if key is None:
            raise InvalidApiKey()
        if connection.in_atomic_block:  # a write (accounts.audit): name the key as the actor
            audit_context_set(
                actor=actor_of_key(key),
                ip=client_ip(request) or None,
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
            )
        return None, key

    def authenticate_header(self, request) -> str:
        # Only called for a 401. With a key presented, that key is the problem (RFC 6750 §3.1).
        if presented_key(request.META) is not None:
            return f'{REALM}, error="invalid_token"'
        return REALM


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.ApiKeyAuthentication"
    name = ["bearerApiKey", "headerApiKey"]

    def get_security_requirement(self, auto_schema):
        return [{"bearerApiKey": []}, {"headerApiKey": []}]  # either one

    def get_security_definition(self, auto_schema):
        description = "An AI-GO API key, aigo_<public id>_<secret>."
        return [
            {"type": "http", "scheme": "bearer", "description": description},
            {"type": "apiKey", "in": "header", "name": "X-API-Key", "description": description},
        ]
