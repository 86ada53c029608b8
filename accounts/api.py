"""GET /api/v1/me/key: the presenting key as the server sees it (a client's check of its key)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authentication import ApiKeyAuthentication
from accounts.models import ApiKey
from accounts.permissions import RequireApiKey
from aigo.api.negotiation import JSONOnlyNegotiation


class ApiKeySerializer(serializers.Serializer):
    name = serializers.CharField()
    public_id = serializers.CharField(help_text="The key's public part, as in aigo_<public id>_<secret>.")
    scopes = serializers.ListField(child=serializers.CharField())
    rate_limit = serializers.IntegerField(help_text="Requests per hour.")
    expires_at = serializers.DateTimeField(allow_null=True)
    last_used_at = serializers.DateTimeField(allow_null=True, help_text="Kept to the minute.")
    rotated_at = serializers.DateTimeField(
        allow_null=True, help_text="Set when a successor was issued: this key stops working at expires_at."
    )


@extend_schema(tags=["keys"], responses=ApiKeySerializer)
class MyKey(APIView):
    """The API key this request presents: its name, scopes, rate limit and expiry. 401 without one."""

    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [RequireApiKey]
    content_negotiation_class = JSONOnlyNegotiation

    def get(self, request) -> Response:
        key: ApiKey = request.auth
        return Response(ApiKeySerializer(key).data, headers={"Cache-Control": "private, no-store"})
