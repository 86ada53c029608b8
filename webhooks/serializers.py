from rest_framework import serializers

from catalog.changes.filters import SLUG
from catalog.models import EVENT_TYPES

from .models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from .urlcheck import UnsafeURL, url_check

MAX_LIST = 50


def _slugs(label: str, source: str) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.RegexField(SLUG, max_length=100),
        max_length=MAX_LIST,
        required=False,
        source=source,
        help_text=f"{label} slugs; empty: all.",
    )


class WebhookEndpointSerializer(serializers.ModelSerializer):
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=EVENT_TYPES),
        max_length=len(EVENT_TYPES),
        required=False,
        help_text="The event types to send; empty: all.",
    )
    models = _slugs("Model", "model_slugs")
    providers = _slugs("Provider", "provider_slugs")

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "url",
            "description",
            "event_types",
            "models",
            "providers",
            "is_active",
            "failing_since",
            "disabled_reason",
            "previous_secret_until",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["failing_since", "disabled_reason", "previous_secret_until", "created_at", "updated_at"]
        extra_kwargs = {
            "is_active": {"help_text": "Off: nothing is sent. Turning it back on clears why it was disabled."}
        }

    def validate_url(self, value: str) -> str:
        try:
            url_check(value)
        except UnsafeURL as error:
            raise serializers.ValidationError(str(error)) from None
        return value


class WebhookEndpointCreatedSerializer(WebhookEndpointSerializer):
    secret = serializers.CharField(read_only=True, help_text="Shown once: keep it to verify signatures.")

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]


class SecretSerializer(serializers.Serializer):
    secret = serializers.CharField(help_text="The new secret, shown once.")
    previous_secret_until = serializers.DateTimeField(help_text="Until then, the old secret signs too.")


class RotateSerializer(serializers.Serializer):
    overlap_hours = serializers.IntegerField(
        min_value=0, max_value=168, default=24, help_text="How long the old secret keeps signing (0-168)."
    )


class AttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = ["number", "attempted_at", "status_code", "latency_ms", "response_excerpt", "error"]


class DeliverySerializer(serializers.ModelSerializer):
    attempt_log = AttemptSerializer(many=True, read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event_id",
            "event_type",
            "status",
            "attempts",
            "next_attempt_at",
            "last_status_code",
            "created_at",
            "finished_at",
            "attempt_log",
        ]
