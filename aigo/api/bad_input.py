"""Input refused before any view runs: NUL bytes in the address, its query or a form (PostgreSQL
text cannot hold them) and JSON bodies nested deeper than the parsers can safely go."""

import re
from itertools import accumulate

from django.conf import settings
from django.core.exceptions import BadRequest
from django.views.defaults import bad_request

from aigo.api.errors import API_PREFIX, error_response

# Python's json (DRF's parser) recurses per level up to the interpreter's limit of 1,000 frames,
# and orjson loads 1,024: this leaves the view's own frames room. Deeper than orjson writes
# (aigo.db.values.JSON_MAX_DEPTH) so that a probe row nested that deep is a row error.
MAX_BODY_DEPTH = 512
JSON_TYPES = ("", "application/json", "application/x-ndjson", "application/ndjson", "application/jsonl", "text/plain")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
NUL_MESSAGE = "Null characters are not allowed."

SHALLOW_REPLACES = 16
_ESCAPED = re.compile(rb"\\.", re.DOTALL)
_NOT_STRUCTURE = bytes(byte for byte in range(256) if byte not in b'"[]{}')
_DEPTH_STEP = [0] * 256
_DEPTH_STEP[ord("[")] = _DEPTH_STEP[ord("{")] = 1
_DEPTH_STEP[ord("]")] = _DEPTH_STEP[ord("}")] = -1


def json_depth_exceeds(body: bytes, limit: int) -> bool:
    """Whether the JSON text nests deeper than `limit`, read from the bytes without parsing them."""
    # Quotes and brackets only: a tenth of a probe batch's bytes, so counting there is cheaper.
    kept = body.translate(None, _NOT_STRUCTURE)
    if kept.count(b"[") + kept.count(b"{") <= limit:
        return False
    if b"\\" in body:  # an escaped quote does not end a string
        kept = _ESCAPED.sub(b"", body).translate(None, _NOT_STRUCTURE)
    # Two quotes in a row have no bracket between them, inside a string or out: dropping them
    # changes no depth and keeps every later quote's parity. The few quotes left then alternate
    # opening and closing strings whose brackets do not count.
    kept = kept.replace(b'""', b"")
    if b'"' in kept:
        kept = b"".join(kept.split(b'"')[::2])
    return not _shallow(kept, limit) and max(accumulate(map(_DEPTH_STEP.__getitem__, kept)), default=0) > limit


def _shallow(brackets: bytes, limit: int) -> bool:
    """Whether the brackets nest at most `limit` deep, told cheaply for shallow ones (a probe batch nests
    4 deep): each replace drops the innermost pairs of one kind, so it lowers the depth by one at most,
    and brackets gone after n replaces nested at most n deep. False: not told, count them."""
    for replaces in range(min(limit, SHALLOW_REPLACES)):
        if not brackets:
            return True
        brackets = brackets.replace(b"{}" if replaces % 2 == 0 else b"[]", b"")
    return not brackets


def _nul_parameters(request, api: bool) -> list[str]:
    """The query's parameters and the site's form fields holding a NUL byte (the API reads JSON
    only). Reading the form here changes nothing: CsrfViewMiddleware reads it before any view."""
    fields = [request.GET]
    if not api and request.method == "POST" and request.content_type in FORM_TYPES:
        fields.append(request.POST)
    return sorted(
        {name for params in fields for name, values in params.lists() for text in (name, *values) if "\x00" in text}
    )


class BadInputMiddleware:
    """Before anything reads the database. Under /api/ the answer is the JSON error shape; on the
    site it is Django's 400 page (no visitor types a NUL byte)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        api = request.path.startswith(API_PREFIX)
        nul_parameters = _nul_parameters(request, api)
        if nul_parameters or "\x00" in request.path:
            if not api:
                # Answered, not raised: a raised BadRequest is logged with a traceback (and in
                # DEBUG rendered as the technical page) for what is only a bad address.
                return bad_request(request, BadRequest(NUL_MESSAGE))
            fields = {name: [NUL_MESSAGE] for name in nul_parameters} or {"path": [NUL_MESSAGE]}
            return error_response(400, "invalid", "The request has invalid parameters.", {"fields": fields})
        if api and self._too_deep(request):
            return error_response(
                400,
                "too_deeply_nested",
                f"The JSON body nests deeper than {MAX_BODY_DEPTH} levels.",
                {"max_depth": MAX_BODY_DEPTH},
            )
        return self.get_response(request)

    @staticmethod
    def _too_deep(request) -> bool:
        """Bodies past DATA_UPLOAD_MAX_MEMORY_SIZE are left to the views that stream them (probe
        batches, parsed by orjson, which stops at 1,024 levels) or refuse them (413)."""
        if request.content_type not in JSON_TYPES:
            return False
        try:
            size = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return False
        return 0 < size <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE and json_depth_exceeds(request.body, MAX_BODY_DEPTH)
