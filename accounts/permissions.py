"""Scope checks for API views.

    permission_classes = [RequireScope("write:status")]                  # reads public, writes need the scope
    permission_classes = [RequireScope("read:analytics", public_reads=False)]  # every method needs it
    permission_classes = [RequireApiKey]                                  # any valid key

Scopes come only from the verified key's row: nothing in the request (query string, headers,
body) can add one.
"""

from functools import cache

from rest_framework import exceptions
from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.keys import SCOPES
from accounts.models import ApiKey


class ApiKeyRequired(exceptions.NotAuthenticated):
    """401: the endpoint needs a key and the request has none."""

    def __init__(self, scope: str | None = None):
        if scope:
            super().__init__(f"This endpoint needs an API key with the {scope} scope.")
            self.details = {"required_scope": scope}
        else:
            super().__init__("This endpoint needs an API key.")
            self.details = {}


class MissingScope(exceptions.PermissionDenied):
    """403: the key is valid but lacks the scope."""

    default_code = "insufficient_scope"

    def __init__(self, scope: str):
        super().__init__(f"This API key lacks the {scope} scope.")
        self.details = {"missing_scope": scope}
        # RFC 6750 §3.1; the shared error handler keeps it.
        self.auth_header = f'Bearer realm="api", error="insufficient_scope", scope="{scope}"'


def _key(request) -> ApiKey | None:
    return request.auth if isinstance(request.auth, ApiKey) else None


class RequireApiKey(BasePermission):
    def has_permission(self, request, view) -> bool:
        if _key(request) is None:
            raise ApiKeyRequired()
        return True

    def error_statuses(self, method: str) -> set[int]:  # for the OpenAPI schema (aigo.api.schema)
        return {401}


class _RequireScope(BasePermission):
    scope: str
    public_reads: bool

    def has_permission(self, request, view) -> bool:
        if self.public_reads and request.method in SAFE_METHODS:
            return True
        key = _key(request)
        if key is None:
            raise ApiKeyRequired(self.scope)
        if self.scope not in key.scopes:
            raise MissingScope(self.scope)
        return True

    def error_statuses(self, method: str) -> set[int]:  # for the OpenAPI schema (aigo.api.schema)
        return set() if self.public_reads and method in SAFE_METHODS else {401, 403}


@cache
def RequireScope(scope: str, *, public_reads: bool = True) -> type[BasePermission]:  # named as the classes it returns
    """A permission class requiring `scope` (for unsafe methods only, unless public_reads=False)."""
    if scope not in SCOPES:
        raise ValueError(f"Unknown scope {scope!r}. Known scopes: {', '.join(SCOPES)}.")
    name = f"RequireScope[{scope}{'' if public_reads else ', all methods'}]"
    return type(name, (_RequireScope,), {"scope": scope, "public_reads": public_reads})
