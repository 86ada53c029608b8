"""GET/PUT/PATCH /api/v1/me/preferences: the visitor's locale, region, currency, favourites."""

import json

from babel.numbers import list_currencies
from django.conf import settings
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.preferences import (
    VISITOR_COOKIE,
    VISITOR_COOKIE_AGE,
    preferences_get,
    preferences_update,
    visitor_identifier_valid,
    visitor_new_identifier,
)
from aigo.db.values import jsonb_problem
from catalog.models import AIModel

MAX_FAVORITES = 100
MAX_DISPLAY_BYTES = 4096


class PreferencesSerializer(serializers.Serializer):
    preferred_locale = serializers.ChoiceField(choices=[])
    preferred_region = serializers.ChoiceField(choices=[], allow_null=True)
    preferred_currency = serializers.CharField(min_length=3, max_length=3, help_text="ISO 4217 code, e.g. EUR.")
    favorite_models = serializers.ListField(
        child=serializers.UUIDField(), max_length=MAX_FAVORITES, help_text="Model ids (UUIDs)."
    )
    display_preferences = serializers.DictField(help_text="Free-form display settings, at most 4 KB of JSON.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred_locale"].choices = settings.AIGO_LOCALES
        self.fields["preferred_region"].choices = settings.AIGO_REGIONS

    def validate(self, attrs):
        unknown = sorted(set(self.initial_data) - set(self.fields)) if isinstance(self.initial_data, dict) else []
        if unknown:
            raise serializers.ValidationError({field: ["Unknown field."] for field in unknown})
        return attrs

    def validate_preferred_currency(self, value: str) -> str:
        if value not in list_currencies():
            raise serializers.ValidationError(f"{value!r} is not an ISO 4217 currency code.")
        return value

    def validate_favorite_models(self, ids: list) -> list:
        ids = list(dict.fromkeys(ids))
        known = set(AIModel.objects.filter(id__in=ids).values_list("id", flat=True))
        missing = [str(model_id) for model_id in ids if model_id not in known]
        if missing:
            raise serializers.ValidationError(f"Unknown model id(s): {', '.join(missing)}.")
        return ids

    def validate_display_preferences(self, value: dict) -> dict:
        if problem := jsonb_problem(value):
            raise serializers.ValidationError(problem)
        if len(json.dumps(value)) > MAX_DISPLAY_BYTES:
            raise serializers.ValidationError(f"At most {MAX_DISPLAY_BYTES} bytes of JSON.")
        return value


EXAMPLE = {
    "preferred_locale": "zh-CN",
    "preferred_region": "asia-east",
    "preferred_currency": "CNY",
    "favorite_models": ["2f1d5a4e-8f0b-4c1e-9a57-1b2c3d4e5f60"],
    "display_preferences": {"theme": "dark"},
}


@extend_schema(tags=["me"], examples=[OpenApiExample("Preferences", value=EXAMPLE)])
class Preferences(APIView):
    """The visitor's preferences, identified by the `aigo_visitor` cookie (set on first use).

    PUT replaces every field, PATCH only the ones given. Unknown fields, wrong types, unknown
    locales, regions, currencies or model ids are refused with 400 and nothing is stored.
    """

    serializer_class = PreferencesSerializer

    def _identifier(self, request) -> str:
        cookie = request.COOKIES.get(VISITOR_COOKIE)
        return cookie if visitor_identifier_valid(cookie) else visitor_new_identifier()

    def _respond(self, identifier: str, preferences) -> Response:
        response = Response(PreferencesSerializer(preferences).data)
        response["Cache-Control"] = "private, no-store"
        response.set_cookie(
            VISITOR_COOKIE,
            identifier,
            max_age=VISITOR_COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=not settings.DEBUG and getattr(settings, "SESSION_COOKIE_SECURE", False),
        )
        return response

    @extend_schema(responses=PreferencesSerializer)
    def get(self, request):
        identifier = self._identifier(request)
        return self._respond(identifier, preferences_get(identifier=identifier))

    @extend_schema(request=PreferencesSerializer, responses=PreferencesSerializer)
    def put(self, request):
        return self._write(request, partial=False)

    @extend_schema(request=PreferencesSerializer, responses=PreferencesSerializer)
    def patch(self, request):
        return self._write(request, partial=True)

    def _write(self, request, *, partial: bool) -> Response:
        if not isinstance(request.data, dict):
            raise serializers.ValidationError({"non_field_errors": ["Expected a JSON object."]})
        changes = PreferencesSerializer(data=request.data, partial=partial)
        changes.is_valid(raise_exception=True)
        identifier = self._identifier(request)
        return self._respond(identifier, preferences_update(identifier=identifier, changes=changes.validated_data))
