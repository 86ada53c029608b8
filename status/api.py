"""POST /api/v1/status/probes: batches of probe rows from the probers, as JSON or NDJSON."""

import gc
from contextlib import contextmanager
from datetime import timedelta

import orjson
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import RequireScope
from aigo.api.errors import BadRequest
from aigo.api.negotiation import JSONOnlyNegotiation
from aigo.api.request_body import PayloadTooLarge, read_body
from aigo.api.schema import LiveExample
from status.ingest import MAX_ROWS, InvalidProbes, probes_ingest
from status.live import live_state_reachable

MAX_BYTES = 8 * 1024 * 1024
JSON_TYPES = {"application/json", ""}
NDJSON_TYPES = {"application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines"}


def _too_many(count: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"At most {MAX_ROWS} probes per request.", {"max_rows": MAX_ROWS, "rows": count})


def _parse_json(body: bytes) -> list:
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise BadRequest(
            "malformed_json",
            f"The body is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}.",
            {"line": error.lineno, "column": error.colno},
        ) from None
    if isinstance(data, dict) and isinstance(data.get("probes"), list):
        data = data["probes"]
    if not isinstance(data, list):
        raise BadRequest("invalid_body", 'Send a list of probes or {"probes": [...]}.')
    if len(data) > MAX_ROWS:
        raise _too_many(len(data))
    return data


def _parse_ndjson(body: bytes) -> list:
    """One probe per line; blank lines are skipped (row indexes count probes, not lines)."""
    rows = []
    for number, line in enumerate(body.split(b"\n"), start=1):
        if not line.strip():
            continue
        if len(rows) == MAX_ROWS:
            raise _too_many(len(rows) + 1)
        try:
            rows.append(orjson.loads(line))
        except orjson.JSONDecodeError as error:
            raise BadRequest(
                "malformed_ndjson", f"Line {number} is not valid JSON: {error.msg}.", {"line": number}
            ) from None
    return rows


def probes_from_request(request) -> list:
    content_type = request.content_type.split(";")[0].strip().lower()
    if content_type in NDJSON_TYPES:
        return _parse_ndjson(read_body(request, MAX_BYTES))
    if content_type in JSON_TYPES:
        return _parse_json(read_body(request, MAX_BYTES))
    raise exceptions.UnsupportedMediaType(content_type)


@contextmanager
def gc_paused():
    """A batch allocates a few hundred thousand acyclic objects that reference counting frees;
    left on, the cyclic collector walks them (and the heap) several times per batch, a quarter
    of the Python time. Process-wide, so a concurrent thread may switch it back on early: harmless."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def example_batch() -> list[dict]:
    """One probe of a minute ago: inside retention and clock skew whenever the schema is read."""
    when = (timezone.now() - timedelta(minutes=1)).replace(second=0, microsecond=0)
    return [
        {
            "time": when.isoformat().replace("+00:00", "Z"),
            "model": "gpt-4",
            "region": "us-east",
            "probe_location": "us-east-1",
            "availability": 99.92,
            "latency_p50": 420,
            "latency_p95": 980,
            "latency_p99": 1500,
            "error_rate": 0.08,
            "requests_per_minute": 3400,
            "metadata": {"lat": 38.9072, "lon": -77.0369},
        }
    ]


class IngestParams(serializers.Serializer):
    partial = serializers.BooleanField(
        required=False, default=False, help_text="Store the valid rows and list the rejected ones instead of a 400."
    )


class RowErrorSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="Position of the probe in the batch, from 0.")
    field = serializers.CharField(allow_null=True)
    message = serializers.CharField()


class IngestReportSerializer(serializers.Serializer):
    received = serializers.IntegerField()
    stored = serializers.IntegerField(help_text="New rows.")
    duplicates = serializers.IntegerField(help_text="Valid rows already stored (e.g. a retried batch).")
    rejected = serializers.IntegerField(help_text="Invalid rows (partial=true only).")
    errors = RowErrorSerializer(many=True)
    live_state_updated = serializers.BooleanField(
        help_text="False when Redis was unreachable; the rows are stored either way."
    )


@extend_schema(
    tags=["status"],
    parameters=[IngestParams],
    request={"application/json": {"type": "array", "items": {"type": "object"}}, "application/x-ndjson": str},
    responses={201: IngestReportSerializer, 200: IngestReportSerializer},
    examples=[LiveExample("One probe", make=example_batch, request_only=True)],
)
class ProbeIngest(APIView):
    """Store up to 10,000 probes at once, atomically; a retried batch stores nothing twice."""

    permission_classes = [RequireScope("write:status", public_reads=False)]
    # The rows matter more than the limiter, which needs the Redis ingestion must survive without.
    rate_limit_fail_open = True
    parser_classes = []  # the body is read and parsed here, with its own size limits
    content_negotiation_class = JSONOnlyNegotiation

    def post(self, request):
        params = IngestParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        with gc_paused():
            return self._ingest(request, partial=params.validated_data["partial"])

    def _ingest(self, request, *, partial: bool) -> Response:
        rows = probes_from_request(request)
        if not rows:
            raise BadRequest("empty_batch", "The batch has no probes.")
        try:
            report = probes_ingest(rows=rows, partial=partial)
        except InvalidProbes as invalid:
            raise BadRequest(
                "invalid_probes",
                f"{len({error['index'] for error in invalid.errors})} of {len(rows)} probes are invalid;"
                " nothing was stored (add ?partial=true to store the valid ones).",
                {"errors": invalid.errors},
            ) from None
        if report.live_state_updated is None:
            # The Redis update waits for the commit of an enclosing transaction (AuditMiddleware
            # wraps API writes in one), which comes after this response is built.
            report.live_state_updated = live_state_reachable()
        code = status.HTTP_201_CREATED if report.stored else status.HTTP_200_OK
        return Response(IngestReportSerializer(report).data, status=code)
