"""GET /api/v1/changes: every change event, oldest first, paged by cursor (catalog.changes)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from aigo.api.errors import BadRequest
from aigo.api.negotiation import JSONOnlyNegotiation
from catalog.changes import Cursor, changes_after
from catalog.changes.filters import FilterError, filters_parse, since_parse
from catalog.models import EVENT_TYPES

DEFAULT_LIMIT, MAX_LIMIT = 100, 500


class ChangeSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Monotonic; pass the last one read as `since` to read on.")
    type = serializers.ChoiceField(choices=EVENT_TYPES)
    occurred_at = serializers.DateTimeField()
    subject_kind = serializers.CharField(help_text="model, incident or article.")
    subject = serializers.CharField(help_text="The model's or article's slug, the incident's id.")
    model = serializers.CharField(allow_null=True, help_text="The model's slug, when about one.")
    provider = serializers.CharField(allow_null=True)
    payload = serializers.JSONField(help_text="before / after, and what the type adds (percent, region...).")
    source = serializers.JSONField(help_text="kind (editor, api, importer, detector, system), actor, data source.")


class ChangePageSerializer(serializers.Serializer):
    results = ChangeSerializer(many=True)
    cursor = serializers.IntegerField(help_text="`since` for the next request: the last id here, or yours.")
    next = serializers.URLField(help_text="The next page; empty results: nothing new yet, poll it later.")


def _listed(description: str) -> OpenApiParameter:
    return OpenApiParameter(description.split()[0], OpenApiTypes.STR, description=description)


@extend_schema(
    tags=["changes"],
    responses=ChangePageSerializer,
    parameters=[
        OpenApiParameter("since", OpenApiTypes.INT, description="The id of the last event read; 0 or absent: all."),
        OpenApiParameter("limit", OpenApiTypes.INT, description=f"1-{MAX_LIMIT}, default {DEFAULT_LIMIT}."),
        _listed("types Comma-separated event types, e.g. price.changed,model.deprecated."),
        _listed("models Comma-separated model slugs."),
        _listed("providers Comma-separated provider slugs."),
    ],
)
class ChangeList(APIView):
    """What changed in the catalog, in order: prices, models and their lifecycle, benchmark scores,
    incidents and status, news. Paging with `since` never skips an event, even one committed while
    you read: an event appears once every change that began before it has ended."""

    content_negotiation_class = JSONOnlyNegotiation

    def get(self, request):
        try:
            after = since_parse(request.query_params.get("since"))
            filters = filters_parse(request.query_params)
        except FilterError as error:
            raise BadRequest(error.code, error.message, error.details) from None
        limit = _limit(request.query_params.get("limit"))
        events = changes_after(after, limit=limit, filters=filters)
        last = Cursor(events[-1].txid, events[-1].id) if events else after
        query = request.query_params.copy()
        query["since"] = str(last.id)
        body = {
            "results": ChangeSerializer(events, many=True).data,
            "cursor": last.id,
            "next": request.build_absolute_uri(f"{request.path}?{query.urlencode()}"),
        }
        return Response(body, headers={"Cache-Control": "no-store"})


def _limit(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_LIMIT
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise BadRequest("invalid_limit", f"limit must be a whole number from 1 to {MAX_LIMIT}.", {"max": MAX_LIMIT})
    return int(raw)
