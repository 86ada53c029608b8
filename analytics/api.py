"""POST /api/v1/events (collection), GET /api/v1/trending/models|providers, GET /api/v1/analytics/daily."""

from collections import defaultdict
from datetime import timedelta

import orjson
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import RequireScope
from aigo.api.errors import BadRequest
from aigo.api.locale import LocaleMixin, LocalizedTextField
from aigo.api.negotiation import JSONOnlyNegotiation
from aigo.api.request_body import read_body
from analytics.events import MAX_EVENTS, CollectedEvent, Context, events_collect, is_bot
from analytics.selectors import models_by_id
from analytics.stats import daily_stats_between
from analytics.throttling import EventsRateThrottle
from analytics.trending import CACHE_SECONDS, trending_scores
from catalog.api.serializers import ProviderRefSerializer

MAX_BYTES = 16 * 1024
# navigator.sendBeacon() sends a string body as text/plain (a type that needs no CORS preflight).
BODY_TYPES = {"application/json", "text/plain", ""}
MAX_RANGE_DAYS = 366


def events_from_request(request) -> list:
    """One event object, a list of events, or {"events": [...]}."""
    content_type = request.content_type.split(";")[0].strip().lower()
    if content_type not in BODY_TYPES:
        raise exceptions.UnsupportedMediaType(content_type)
    try:
        data = orjson.loads(read_body(request, MAX_BYTES))
    except orjson.JSONDecodeError as error:
        raise BadRequest("malformed_json", f"The body is not valid JSON: {error.msg}.") from None
    if isinstance(data, dict) and "events" in data:
        data = data["events"] if len(data) == 1 else None
    elif isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise BadRequest("invalid_body", 'Send an event, a list of events or {"events": [...]}.')
    return data


class EventBatch(serializers.Serializer):
    events = CollectedEvent(many=True, max_length=MAX_EVENTS)


class EventReceipt(serializers.Serializer):
    received = serializers.IntegerField()
    stored = serializers.IntegerField()


@extend_schema(
    tags=["analytics"],
    auth=[],
    request={"application/json": EventBatch, "text/plain": EventBatch},
    responses={202: EventReceipt, 204: None},
    examples=[
        OpenApiExample(
            "A page and a model view",
            value={
                "events": [
                    {"type": "page_view", "session_id": "s-4f1c", "properties": {"path": "/models"}},
                    {"type": "model_view", "session_id": "s-4f1c", "properties": {"model": "gpt-4"}, "locale": "en-US"},
                ]
            },
            request_only=True,
        )
    ],
)
class EventCollect(APIView):
    """Store up to 20 events at once, all or none (sendBeacon-friendly: JSON sent as text/plain
    is accepted, no key, no cookie). Accepted events are written within seconds (`stored` counts
    them as soon as they are taken). Requests from bots get 204 and store nothing. No IP address
    is stored: see the README's privacy section."""

    authentication_classes = []  # anonymous by design: a stray Authorization header is ignored
    permission_classes = [AllowAny]
    throttle_classes = [EventsRateThrottle]
    parser_classes = []  # the body is read and parsed here, with its own size limit
    content_negotiation_class = JSONOnlyNegotiation

    def post(self, request):
        if is_bot(request.META.get("HTTP_USER_AGENT", "")):
            return Response(status=status.HTTP_204_NO_CONTENT)
        events = events_from_request(request)
        stored = events_collect(events=events, context=Context.of(request.META))
        # Rendered here: the answer is always JSON, and DRF's renderer was a tenth of the fixed cost.
        receipt = orjson.dumps({"received": len(events), "stored": stored})
        return HttpResponse(receipt, status=status.HTTP_202_ACCEPTED, content_type="application/json")


class TrendingParams(serializers.Serializer):
    limit = serializers.IntegerField(min_value=1, max_value=100, default=20)


class TrendingModelSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = LocalizedTextField()
    provider = ProviderRefSerializer()
    score = serializers.FloatField(help_text="Views of the last 7 days, each weighted 0.5 ** (age in days / 2).")


class TrendingModelsSerializer(serializers.Serializer):
    source = serializers.CharField(help_text='"redis", or "database" when Redis was unavailable.')
    models = TrendingModelSerializer(many=True)


class TrendingProviderSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    score = serializers.FloatField(help_text="The sum of its models' trending scores.")


class TrendingProvidersSerializer(serializers.Serializer):
    source = serializers.CharField(help_text='"redis" or "database".')
    providers = TrendingProviderSerializer(many=True)


class TrendingView(LocaleMixin, APIView):
    content_negotiation_class = JSONOnlyNegotiation

    def scored_models(self) -> tuple[list[tuple], str]:
        """(model, score) of every trending model that still exists, highest first, and the source."""
        scores, source = trending_scores()
        models = models_by_id(model_id for model_id, _score in scores)
        return [(models[model_id], score) for model_id, score in scores if model_id in models], source

    def respond(self, data: dict) -> Response:
        response = Response(data)
        response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
        return response


@extend_schema(tags=["analytics"], parameters=[TrendingParams], responses=TrendingModelsSerializer)
class TrendingModels(TrendingView):
    """The most viewed models of the last 7 days, recent days weighing more (half-life 2 days)."""

    def get(self, request):
        params = TrendingParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        scored, source = self.scored_models()
        rows = [{**_model_fields(model), "score": score} for model, score in scored[: params.validated_data["limit"]]]
        data = TrendingModelsSerializer({"source": source, "models": rows}, context={"locale": self.locale}).data
        return self.respond(data)


def _model_fields(model) -> dict:
    return {"slug": model.slug, "name": model.name, "provider": model.provider}


@extend_schema(tags=["analytics"], parameters=[TrendingParams], responses=TrendingProvidersSerializer)
class TrendingProviders(TrendingView):
    """Providers ranked by the summed trending scores of their models."""

    def get(self, request):
        params = TrendingParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        scored, source = self.scored_models()
        totals, providers = defaultdict(float), {}
        for model, score in scored:
            totals[model.provider.slug] += score
            providers[model.provider.slug] = model.provider
        ranked = sorted(totals.items(), key=lambda item: (-item[1], item[0]))[: params.validated_data["limit"]]
        rows = [{"slug": slug, "name": providers[slug].name, "score": score} for slug, score in ranked]
        return self.respond(TrendingProvidersSerializer({"source": source, "providers": rows}).data)


class DailyStatsParams(serializers.Serializer):
    top = serializers.IntegerField(min_value=1, max_value=100, default=10, help_text="How many top models.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "from" is a Python keyword: these two can only be declared here.
        self.fields["from"] = serializers.DateField(required=False, help_text="First UTC day. Default: 29 days ago.")
        self.fields["to"] = serializers.DateField(required=False, help_text="Last UTC day (included). Default: today.")

    def validate(self, attrs):
        end = attrs.get("to") or timezone.now().date()
        start = attrs.get("from") or end - timedelta(days=29)
        if start > end:
            raise serializers.ValidationError({"from": "Must not be after `to`."})
        if (end - start).days >= MAX_RANGE_DAYS:
            raise serializers.ValidationError({"from": f"At most {MAX_RANGE_DAYS} days at once."})
        return {**attrs, "from": start, "to": end}


class DayStatsSerializer(serializers.Serializer):
    day = serializers.DateField()
    events = serializers.DictField(child=serializers.IntegerField(), help_text="Events per type.")
    unique_sessions = serializers.DictField(child=serializers.IntegerField(), help_text="Distinct sessions per type.")


class ModelViewsSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = LocalizedTextField()
    views = serializers.IntegerField()


class DailyStatsSerializer(serializers.Serializer):
    days = DayStatsSerializer(many=True, help_text="Days without events are left out.")
    top_models = ModelViewsSerializer(many=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from"] = serializers.DateField()
        self.fields["to"] = serializers.DateField()


@extend_schema(tags=["analytics"], parameters=[DailyStatsParams], responses=DailyStatsSerializer)
class DailyStats(LocaleMixin, APIView):
    """Events per UTC day and type, unique sessions, and the most viewed models of a date range,
    from the daily_stats view (refreshed every 15 minutes). Needs a key with read:analytics."""

    permission_classes = [RequireScope("read:analytics", public_reads=False)]
    content_negotiation_class = JSONOnlyNegotiation

    def get(self, request):
        params = DailyStatsParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        values = params.validated_data
        stats = daily_stats_between(start=values["from"], end=values["to"], top=values["top"])
        models = models_by_id(model_id for model_id, _views in stats["top_models"])
        top = [{**_model_fields(models[str(model_id)]), "views": views} for model_id, views in stats["top_models"]]
        data = {"from": values["from"], "to": values["to"], "days": stats["days"], "top_models": top}
        return Response(DailyStatsSerializer(data, context={"locale": self.locale}).data)
