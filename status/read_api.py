"""Status read API: current state per region, history from the rollups, uptime, rankings.

Public, as the status pages are: anonymous clients read at the anonymous rate, and a client that
presents a key reads at the key's rate whatever its scopes. Refusing a key without read:status
would protect nothing (dropping the key gets the same answer) and would punish clients that say
who they are; catalog reads treat read:catalog the same way.
"""

from datetime import timedelta

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from aigo.api.negotiation import JSONOnlyNegotiation
from aigo.db.values import validate_utc_offset
from catalog.models import AIModel
from status import selectors

MAX_POINTS = 2000


class RegionStatusSerializer(serializers.Serializer):
    region = serializers.CharField()
    availability = serializers.FloatField(allow_null=True, help_text="Percent.")
    latency_p95 = serializers.FloatField(allow_null=True, help_text="Milliseconds.")
    error_rate = serializers.FloatField(allow_null=True, help_text="Percent.")
    requests_per_minute = serializers.FloatField(allow_null=True)
    as_of = serializers.CharField(allow_null=True)
    source = serializers.ChoiceField(choices=["live", "rollup"])


class CurrentStatusSerializer(serializers.Serializer):
    model = serializers.CharField()
    regions = RegionStatusSerializer(many=True)


class HistoryPointSerializer(serializers.Serializer):
    region = serializers.CharField()
    bucket = serializers.DateTimeField()
    availability = serializers.FloatField(allow_null=True)
    latency_p95 = serializers.FloatField(allow_null=True)
    error_rate = serializers.FloatField(allow_null=True)


class HistorySerializer(serializers.Serializer):
    model = serializers.CharField()
    resolution = serializers.CharField()
    points = HistoryPointSerializer(many=True)


class UptimeSerializer(serializers.Serializer):
    model = serializers.CharField()
    uptime = serializers.DictField(child=serializers.FloatField(allow_null=True), help_text="24h, 7d, 30d, 90d.")


class RankedModelSerializer(serializers.Serializer):
    model = serializers.CharField()
    score = serializers.FloatField()


class RankingsSerializer(serializers.Serializer):
    by = serializers.CharField()
    models = RankedModelSerializer(many=True)


class StatusView(APIView):
    content_negotiation_class = JSONOnlyNegotiation

    def model(self, slug: str) -> AIModel:
        return get_object_or_404(AIModel.objects.only("id", "slug"), slug=slug)


@extend_schema(tags=["status"], responses=CurrentStatusSerializer)
class CurrentStatus(StatusView):
    """Each region's status now: the live value from the probes (seconds old) or the newest
    5-minute rollup when no live value is held."""

    def get(self, request, slug: str):
        model = self.model(slug)
        response = Response({"model": model.slug, "regions": selectors.status_current(model_id=model.id, slug=slug)})
        response["Cache-Control"] = "public, max-age=10"
        return response


class TimeParam(serializers.DateTimeField):
    """Refuses the offsets PostgreSQL refuses, as the incidents' filters and probe rows do, although
    this field would convert them to UTC first: the same time means the same answer everywhere."""

    def enforce_timezone(self, value):
        validate_utc_offset(value)
        return super().enforce_timezone(value)


class HistoryParams(serializers.Serializer):
    resolution = serializers.ChoiceField(choices=["5m", "1h", "1d"], default="1h")
    region = serializers.ChoiceField(choices=[], required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = settings.AIGO_REGIONS
        # "from" is a Python keyword: these two can only be declared here.
        self.fields["from"] = TimeParam(required=False, help_text="Default: 24 h (30 d for 1d) ago.")
        self.fields["to"] = TimeParam(required=False, help_text="Default: now.")

    def validate(self, attrs):
        end = attrs.get("to") or timezone.now()
        step = {"5m": timedelta(minutes=5), "1h": timedelta(hours=1), "1d": timedelta(days=1)}[attrs["resolution"]]
        start = attrs.get("from") or end - (timedelta(days=30) if attrs["resolution"] == "1d" else timedelta(hours=24))
        if start >= end:
            raise serializers.ValidationError({"from": "Must be before `to`."})
        if (end - start) / step > MAX_POINTS:
            raise serializers.ValidationError({"from": f"At most {MAX_POINTS} points: use a coarser resolution."})
        return {**attrs, "from": start, "to": end}


@extend_schema(tags=["status"], parameters=[HistoryParams], responses=HistorySerializer)
class StatusHistory(StatusView):
    """Availability, p95 latency and error rate per bucket, from the rollups; gaps are null."""

    def get(self, request, slug: str):
        model = self.model(slug)
        params = HistoryParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        values = params.validated_data
        points = selectors.status_history(
            model_id=model.id,
            resolution=values["resolution"],
            start=values["from"],
            end=values["to"],
            region=values.get("region"),
        )
        return Response({"model": model.slug, "resolution": values["resolution"], "points": points})


@extend_schema(tags=["status"], responses=UptimeSerializer)
class Uptime(StatusView):
    """Mean availability over the last 24 hours, 7, 30 and 90 days (null without data)."""

    def get(self, request, slug: str):
        model = self.model(slug)
        return Response({"model": model.slug, "uptime": selectors.status_uptime(model_id=model.id)})


class RankingParams(serializers.Serializer):
    by = serializers.ChoiceField(choices=["availability", "latency", "usage"], default="availability")
    limit = serializers.IntegerField(min_value=1, max_value=200, default=50)


@extend_schema(tags=["status"], parameters=[RankingParams], responses=RankingsSerializer)
class Rankings(StatusView):
    """Models ranked by live availability (highest first), p95 latency (lowest) or usage."""

    def get(self, request):
        params = RankingParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        return Response(
            {"by": params.validated_data["by"], "models": selectors.status_rankings(**params.validated_data)}
        )


class NearestParams(serializers.Serializer):
    lat = serializers.FloatField(min_value=-90, max_value=90)
    lon = serializers.FloatField(min_value=-180, max_value=180)
    limit = serializers.IntegerField(min_value=1, max_value=50, default=5)


class ProbeLocationSerializer(serializers.Serializer):
    location = serializers.CharField()
    distance_km = serializers.FloatField()
    lat = serializers.FloatField()
    lon = serializers.FloatField()


@extend_schema(tags=["status"], parameters=[NearestParams], responses=ProbeLocationSerializer(many=True))
class NearestProbes(StatusView):
    """Probe locations nearest a point (e.g. to explain which probes measure a visitor's region)."""

    def get(self, request):
        params = NearestParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        return Response(selectors.probe_locations_nearest(**params.validated_data))
