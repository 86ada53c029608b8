"""One JSON error shape for every API failure: {"error": {"code", "message", "details"}}."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from aigo.api.unavailable import database_unavailable, unavailable_error


class BadRequest(exceptions.APIException):
    """A 400 with a specific machine-readable code, e.g. BadRequest("unknown_locale", "...")."""

    status_code = status.HTTP_400_BAD_REQUEST

    def __init__(self, code: str, message: str, details: dict | None = None):
        super().__init__(detail=message, code=code)
        self.error_code = code
        self.details = details or {}


class ResourceNotFound(exceptions.NotFound):
    """A 404 that names what was missing in its details."""

    def __init__(self, message: str, details: dict | None = None):
        super().__init__(detail=message)
        self.details = details or {}


def _code(exc: exceptions.APIException) -> str:
    if isinstance(exc, BadRequest):
        return exc.error_code
    if isinstance(exc, exceptions.ValidationError):
        return "invalid"
    return exc.default_code


def exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif database_unavailable(exc):
        exc = unavailable_error(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        message, details = "The request has invalid parameters.", {"fields": exc.detail}
    else:
        message, details = str(exc.detail), getattr(exc, "details", {})
    body = {"error": {"code": _code(exc), "message": message, "details": details}}
    return Response(body, status=response.status_code, headers=dict(response.headers.items()))
