"""Test-only API views behind aigo.api.ratelimit.RedisRateThrottle, with an optional fake API key."""

from dataclasses import dataclass

from django.urls import path
from rest_framework.authentication import BaseAuthentication
from rest_framework.response import Response
from rest_framework.views import APIView

from aigo.api.cache import cached_response
from aigo.api.errors import BadRequest, ResourceNotFound
from aigo.api.locale import LocaleMixin
from aigo.api.ratelimit import RedisRateThrottle


@dataclass(frozen=True)
class FakeKey:
    public_id: str
    rate_limit: int | None


class FakeKeyAuthentication(BaseAuthentication):
    """`X-Test-Key: <public_id>:<rate_limit>` authenticates as that key (the real one is elsewhere)."""

    def authenticate(self, request):
        raw = request.META.get("HTTP_X_TEST_KEY")
        if not raw:
            return None
        public_id, _, limit = raw.partition(":")
        return None, FakeKey(public_id, int(limit) if limit else None)


class Limited(APIView):
    authentication_classes = [FakeKeyAuthentication]
    throttle_classes = [RedisRateThrottle]

    def get(self, request):
        if request.query_params.get("fail") == "400":
            raise BadRequest("bad_thing", "That is bad.")
        if request.query_params.get("fail") == "404":
            raise ResourceNotFound("No such thing.")
        return Response({"ok": True})

    def post(self, request):
        return Response({"created": True}, status=201)


class Cached(LocaleMixin, Limited):
    @cached_response("models")
    def get(self, request):
        return Response({"cached": True})


urlpatterns = [
    path("limited/", Limited.as_view()),
    path("cached/", Cached.as_view()),
]
