"""Test-only API views behind ApiKeyAuthentication and RequireScope, plus /me/key."""

from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api import MyKey
from accounts.authentication import ApiKeyAuthentication
from accounts.permissions import RequireScope


class Keyed(APIView):
    authentication_classes = [ApiKeyAuthentication]
    throttle_classes = []

    def get(self, request):
        return Response({"key": request.auth.public_id if request.auth else None})

    def post(self, request):
        return Response({"stored": True}, status=201)


class StatusProbes(Keyed):
    """Reads public, writes need write:status (the probe ingestion endpoint's shape)."""

    permission_classes = [RequireScope("write:status")]


class CatalogEdit(Keyed):
    permission_classes = [RequireScope("write:catalog")]


class Analytics(Keyed):
    """Every method needs read:analytics."""

    permission_classes = [RequireScope("read:analytics", public_reads=False)]


urlpatterns = [
    path("probes", StatusProbes.as_view()),
    path("catalog", CatalogEdit.as_view()),
    path("analytics", Analytics.as_view()),
    path("me/key", MyKey.as_view()),
]
