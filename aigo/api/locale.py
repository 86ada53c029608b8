"""Which locale an API response speaks: `?locale=`, else Accept-Language, else en-US.

`?locale=*` asks for the full maps of every localized field instead of resolved strings.
"""

from django.conf import settings
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema_field
from rest_framework import serializers

from aigo.api.errors import BadRequest
from aigo.i18n import locale_from_accept_language, normalize_locale, resolve

ALL = "*"

LOCALE_PARAMETER = OpenApiParameter(
    "locale",
    str,
    description="Locale of localized text (en-US, zh-CN, ja-JP...), or * for every locale. "
    "Default: from Accept-Language, else en-US.",
    examples=[OpenApiExample("Chinese", value="zh-CN"), OpenApiExample("All locales", value="*")],
)


def negotiate_locale(query: dict, accept_language: str) -> str:
    raw = query.get("locale")
    if raw:  # `?locale=` is no locale given, as for every optional parameter
        if raw.strip() == ALL:
            return ALL
        locale = normalize_locale(raw)
        if locale is None:
            raise BadRequest(
                "unknown_locale",
                f"Unknown locale {raw!r}.",
                {"known": list(settings.AIGO_LOCALES) + [ALL]},
            )
        return locale
    return locale_from_accept_language(accept_language) or settings.AIGO_DEFAULT_LOCALE


def content_language(locale: str) -> str:
    return ", ".join(settings.AIGO_LOCALES) if locale == ALL else locale


class LocaleMixin:
    """For API views: negotiates `self.locale` before the handler runs and says it in Content-Language."""

    locale: str = settings.AIGO_DEFAULT_LOCALE

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.locale = negotiate_locale(request.query_params, request.META.get("HTTP_ACCEPT_LANGUAGE", ""))
        request.locale = self.locale  # for filters, which see the request only

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "locale": self.locale}

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if 200 <= response.status_code < 300 or response.status_code == 304:
            response["Content-Language"] = content_language(self.locale)
        return response


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string", "nullable": True},
            {"type": "object", "additionalProperties": {"type": "string"}},
        ],
        "description": "Text in the negotiated locale (with fallback); with ?locale=* the map of every locale.",
        "example": "GPT-4o",
    }
)
class LocalizedTextField(serializers.Field):
    """Read-only: a localized JSON map resolved for the serializer context's locale."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        locale = self.context.get("locale", settings.AIGO_DEFAULT_LOCALE)
        return value if locale == ALL else resolve(value, locale)
