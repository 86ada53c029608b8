"""One JSON error shape for every API failure: {"error": {"code", "message", "details"}}."""

import orjson
from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from aigo.api.request_body import PayloadTooLarge
from aigo.api.unavailable import database_unavailable, unavailable_error

API_PREFIX = "/api/"


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


def error_body(code: str, message: str, details: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "details": details or {}}}


def error_response(status_code: int, code: str, message: str, details: dict | None = None) -> HttpResponse:
    """The error shape outside DRF's views (middleware, Django's error handlers)."""
    return HttpResponse(
        orjson.dumps(error_body(code, message, details)), status=status_code, content_type="application/json"
    )


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
    elif isinstance(exc, RequestDataTooBig):
        # DRF reads the body through request.body, which stops at DATA_UPLOAD_MAX_MEMORY_SIZE.
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        exc = PayloadTooLarge(f"The body is larger than {limit} bytes.", {"max_bytes": limit})
    elif database_unavailable(exc):
        exc = unavailable_error(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        message, details = "The request has invalid parameters.", {"fields": exc.detail}
    else:
        message, details = str(exc.detail), getattr(exc, "details", {})
    body = error_body(_code(exc), message, details)
    return Response(body, status=response.status_code, headers=dict(response.headers.items()))


class ApiErrorShapeMiddleware:
    """Under /api/, errors answered outside DRF's exception handler get the JSON shape too: unknown
    addresses (404), uncaught exceptions (500, also in DEBUG), bodies Django refuses (400).

    Outermost, so that it also sees what the other middleware answered. The headers (Allow,
    Retry-After, the security headers) and cookies of the original response are kept.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not request.path.startswith(API_PREFIX)
            or response.get("Content-Type", "").startswith("application/json")
            or response.streaming
        ):
            return response
        phrase = response.reason_phrase
        response.content = orjson.dumps(error_body(phrase.lower().replace(" ", "_"), f"{phrase}."))
        response["Content-Type"] = "application/json"
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        return response
