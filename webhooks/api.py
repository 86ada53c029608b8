"""/api/v1/webhooks/: an API client's endpoints (scope write:webhooks), their secrets, deliveries
and redelivery. A client sees and changes only its own endpoints."""

from datetime import timedelta

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import ApiKey
from accounts.permissions import RequireScope
from aigo.api.negotiation import JSONOnlyNegotiation
from aigo.api.schema import error_response

from .models import WebhookDelivery, WebhookEndpoint
from .send import delivery_redeliver
from .serializers import (
    DeliverySerializer,
    RotateSerializer,
    SecretSerializer,
    WebhookEndpointCreatedSerializer,
    WebhookEndpointSerializer,
)
from .signing import secret_new
from .tasks import send_webhooks

SCOPE = RequireScope("write:webhooks", public_reads=False)
MAX_ENDPOINTS = 100  # per client


def owner_of(key: ApiKey) -> str:
    """Whose endpoints: the key's user, else the key itself (a rotated key with the same user keeps them)."""
    return key.user_identifier or f"key:{key.public_id}"


class _Owned:
    permission_classes = [SCOPE]
    content_negotiation_class = JSONOnlyNegotiation

    def endpoints(self):
        return WebhookEndpoint.objects.filter(owner=owner_of(self.request.auth))

    def endpoint(self, endpoint_id) -> WebhookEndpoint:
        return get_object_or_404(self.endpoints(), pk=endpoint_id)


@extend_schema(tags=["webhooks"])
class EndpointList(_Owned, generics.ListCreateAPIView):
    """Your webhook endpoints; POST registers one and answers its signing secret, once."""

    serializer_class = WebhookEndpointSerializer

    def get_queryset(self):
        return self.endpoints().order_by("created_at")

    @extend_schema(
        request=WebhookEndpointSerializer, responses={201: WebhookEndpointCreatedSerializer, 409: error_response(409)}
    )
    def post(self, request):
        serializer = WebhookEndpointSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            if self.endpoints().count() >= MAX_ENDPOINTS:
                return Response(
                    {
                        "error": {
                            "code": "too_many_endpoints",
                            "message": f"At most {MAX_ENDPOINTS} endpoints.",
                            "details": {"max": MAX_ENDPOINTS},
                        }
                    },
                    status=status.HTTP_409_CONFLICT,
                )
            endpoint = serializer.save(owner=owner_of(request.auth), secret=secret_new())
        return Response(
            WebhookEndpointCreatedSerializer(endpoint).data,
            status=status.HTTP_201_CREATED,
            headers={"Cache-Control": "no-store"},
        )


@extend_schema(tags=["webhooks"])
class EndpointDetail(_Owned, generics.RetrieveUpdateDestroyAPIView):
    """One of your endpoints: change its URL, filters or active flag, or delete it."""

    serializer_class = WebhookEndpointSerializer
    http_method_names = ["get", "patch", "delete"]

    def get_object(self):
        return self.endpoint(self.kwargs["pk"])

    def perform_update(self, serializer):
        reactivated = serializer.validated_data.get("is_active") and not serializer.instance.is_active
        extra = {"failing_since": None, "disabled_reason": ""} if reactivated else {}
        serializer.save(**extra)


@extend_schema(tags=["webhooks"], request=RotateSerializer, responses=SecretSerializer)
class EndpointRotateSecret(_Owned, APIView):
    """A new signing secret, shown once; the old one keeps signing (a second signature) for the overlap."""

    def post(self, request, pk):
        empty = request.META.get("CONTENT_LENGTH") in (None, "", "0")  # no body: the default overlap
        options = RotateSerializer(data={} if empty else request.data)
        options.is_valid(raise_exception=True)
        with transaction.atomic():
            endpoint = get_object_or_404(self.endpoints().select_for_update(), pk=pk)
            endpoint.previous_secret = endpoint.secret
            endpoint.previous_secret_until = timezone.now() + timedelta(hours=options.validated_data["overlap_hours"])
            endpoint.secret = secret_new()
            endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_until", "updated_at"])
        body = {"secret": endpoint.secret, "previous_secret_until": endpoint.previous_secret_until}
        return Response(SecretSerializer(body).data, headers={"Cache-Control": "no-store"})


@extend_schema(tags=["webhooks"])
class DeliveryList(_Owned, generics.ListAPIView):
    """The endpoint's deliveries, newest first, each with every attempt (status code, latency, excerpt)."""

    serializer_class = DeliverySerializer

    def get_queryset(self):
        endpoint = self.endpoint(self.kwargs["pk"])
        # uses index: idx_webhook_deliveries_log
        return endpoint.deliveries.order_by("-created_at").prefetch_related("attempt_log")


@extend_schema(tags=["webhooks"], request=None, responses={202: DeliverySerializer})
class DeliveryRedeliver(_Owned, APIView):
    """Send this delivery again, now."""

    def post(self, request, pk, delivery_id):
        delivery = get_object_or_404(WebhookDelivery, pk=delivery_id, endpoint=self.endpoint(pk))
        delivery_redeliver(delivery)
        transaction.on_commit(lambda: send_webhooks.delay([str(delivery.pk)]))
        delivery.refresh_from_db()
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
