"""Incidents API: list (filters: active, model, provider, severity, date range) and detail with
the public timeline."""

import django_filters
from django.db.models import Prefetch
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers

from aigo.api.negotiation import JSONOnlyNegotiation
from aigo.db.values import validate_utc_offset
from status.models import SEVERITIES, Incident, IncidentUpdate


class IncidentUpdateSerializer(serializers.Serializer):
    status = serializers.CharField()
    message = serializers.CharField()
    created_at = serializers.DateTimeField()


class IncidentSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    severity = serializers.CharField()
    status = serializers.CharField()
    model = serializers.CharField(source="model.slug", allow_null=True, default=None)
    provider = serializers.CharField(source="provider.slug", allow_null=True, default=None)
    regions = serializers.ListField(child=serializers.CharField())
    description = serializers.CharField(allow_null=True)
    impact_description = serializers.CharField(allow_null=True)
    started_at = serializers.DateTimeField()
    identified_at = serializers.DateTimeField(allow_null=True)
    resolved_at = serializers.DateTimeField(allow_null=True)
    postmortem_url = serializers.URLField(allow_null=True)
    automatic = serializers.SerializerMethodField()
    updates = IncidentUpdateSerializer(many=True)

    def get_automatic(self, incident: Incident) -> bool:
        return bool(incident.metadata.get("automatic"))


class IncidentFilter(django_filters.FilterSet):
    active = django_filters.BooleanFilter(method="filter_active", help_text="true: not resolved yet.")
    model = django_filters.CharFilter(field_name="model__slug", help_text="Model slug.")
    provider = django_filters.CharFilter(field_name="provider__slug", help_text="Provider slug.")
    severity = django_filters.ChoiceFilter(choices=SEVERITIES)
    started_after = django_filters.IsoDateTimeFilter(
        field_name="started_at", lookup_expr="gte", validators=[validate_utc_offset]
    )
    started_before = django_filters.IsoDateTimeFilter(
        field_name="started_at", lookup_expr="lt", validators=[validate_utc_offset]
    )

    class Meta:
        model = Incident
        fields = []

    def filter_active(self, queryset, name, value):
        # uses index: idx_incidents_status (partial, unresolved only)
        return queryset.exclude(status="resolved") if value else queryset.filter(status="resolved")


def _incidents():
    return Incident.objects.select_related("model", "provider").prefetch_related(
        Prefetch("updates", queryset=IncidentUpdate.objects.order_by("created_at", "id"))
    )


@extend_schema(tags=["status"])
class IncidentList(generics.ListAPIView):
    """Incidents, newest first, with their timelines."""

    serializer_class = IncidentSerializer
    content_negotiation_class = JSONOnlyNegotiation
    filter_backends = [DjangoFilterBackend]
    filterset_class = IncidentFilter

    def get_queryset(self):
        return _incidents().order_by("-started_at", "id")


@extend_schema(tags=["status"])
class IncidentDetail(generics.RetrieveAPIView):
    serializer_class = IncidentSerializer
    content_negotiation_class = JSONOnlyNegotiation

    def get_queryset(self):
        return _incidents()
