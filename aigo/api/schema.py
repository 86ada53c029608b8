"""The API's OpenAPI schema: besides its successes, every operation documents the errors it can
answer, each in the one error shape of aigo.api.errors.

Which errors an operation can answer follows from how its view is built, so no view lists them:
400 when it reads query parameters or a body, 401 when it authenticates keys, 403 (and the 401 of
a missing key) from its permission classes, 404 for a path parameter or a page number past the end, 413
and 415 for a body, 429 when it is rate limited, and 503 always (PostgreSQL or Redis down). What
only one view can answer (a 409) is in that view's `extend_schema(responses=...)`, as
`error_response(409)`.

A permission class tells what it refuses with through `error_statuses(method)`; a class without
that method refuses nothing the schema needs to know of.
"""

from collections.abc import Callable
from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination

ERRORS = {
    400: "Invalid parameters or body: `details` names the fields and what is wrong with each.",
    401: "The key sent is malformed, unknown, expired or revoked, or the operation needs a key and none was sent.",
    403: "The key lacks the scope the operation needs (`details.missing_scope`).",
    404: "No such object, or a page past the last one.",
    409: "The request conflicts with the current state (`code` says which).",
    413: "The body is larger than the operation accepts (`details` gives the limit).",
    415: "The body's Content-Type is not one the operation reads.",
    429: "Over the rate limit: retry after `Retry-After` seconds (`details` gives the limit and window).",
    503: "A service the operation needs is unavailable for a moment: retry after `Retry-After` seconds.",
}
RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait before retrying."}}


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Machine-readable: invalid, not_found, rate_limited, ...")
    message = serializers.CharField(help_text="For people, in English.")
    details = serializers.DictField(help_text="What a client needs to act on the error; may be empty.")


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


def error_response(status: int) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=ERRORS[status])


class LiveExample(OpenApiExample):
    """An example whose value is made each time the schema is built: one that holds times must
    stay inside what the API accepts (a fixed date falls out of retention)."""

    def __init__(self, name: str, make: Callable[[], Any], **kwargs):
        self.make = make
        super().__init__(name, **kwargs)

    @property
    def value(self) -> Any:
        return self.make()

    @value.setter
    def value(self, _given) -> None:
        pass  # OpenApiExample's constructor sets it; the value is always made anew


class AutoSchema(SpectacularAutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        for parameter in operation.get("parameters", []):
            if (
                parameter["in"] == "query"
                and not parameter.get("required")
                and parameter["schema"].get("type") == "string"
            ):
                # DRF serializers and django-filter read `?name=` as no value given, and so does this API.
                parameter["allowEmptyValue"] = True
        responses = operation["responses"]
        for status in sorted(self.error_statuses(operation)):
            if str(status) not in responses:
                response = self._get_response_for_code(error_response(status), str(status))
                if status in (429, 503):
                    response["headers"] = RETRY_AFTER
                responses[str(status)] = response
        return operation

    def error_statuses(self, operation: dict) -> set[int]:
        statuses = {503}
        locations = {parameter["in"] for parameter in operation.get("parameters", [])}
        if "query" in locations or "requestBody" in operation:
            statuses.add(400)
        if "path" in locations or (self._is_list_view() and isinstance(self._get_paginator(), PageNumberPagination)):
            statuses.add(404)
        if "requestBody" in operation:
            statuses |= {413, 415}
        if self.view.get_authenticators():
            statuses.add(401)
        if self.view.get_throttles():
            statuses.add(429)
        for permission in self.view.get_permissions():
            if hasattr(permission, "error_statuses"):
                statuses |= permission.error_statuses(self.method)
        return statuses
