"""Raw request bodies for endpoints that parse their own (probe batches, analytics beacons)."""

from rest_framework import exceptions, status


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"

    def __init__(self, message: str, details: dict):
        super().__init__(detail=message)
        self.details = details


def read_body(request, max_bytes: int) -> bytes:
    """The raw body, refused past `max_bytes` whether or not Content-Length says so (read from
    the stream, not through request.body and DATA_UPLOAD_MAX_MEMORY_SIZE)."""
    too_large = PayloadTooLarge(f"The body is larger than {max_bytes} bytes.", {"max_bytes": max_bytes})
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > max_bytes:
        raise too_large
    body = request.stream.read(max_bytes + 1) if request.stream is not None else b""
    if len(body) > max_bytes:
        raise too_large
    return body
