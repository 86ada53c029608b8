"""Operators' view of the webhooks: endpoints (why one was disabled), deliveries with every
attempt, and "redeliver"."""

from django.contrib import admin, messages
from django.db import transaction

from .models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from .send import delivery_redeliver
from .tasks import send_webhooks


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["url", "owner", "is_active", "failing_since", "disabled_reason", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["url", "owner"]
    fields = [
        "owner",
        "url",
        "description",
        "event_types",
        "model_slugs",
        "provider_slugs",
        "is_active",
        "failing_since",
        "disabled_reason",
        "previous_secret_until",
        "created_at",
        "updated_at",
    ]
    readonly_fields = ["owner", "failing_since", "disabled_reason", "previous_secret_until", "created_at", "updated_at"]

    def has_add_permission(self, request) -> bool:
        return False  # clients register their endpoints through the API, which hands them the secret


class AttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    fields = ["number", "attempted_at", "status_code", "latency_ms", "error", "response_excerpt"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "event_type",
        "event_id",
        "endpoint",
        "status",
        "attempts",
        "last_status_code",
        "next_attempt_at",
        "created_at",
    ]
    list_filter = ["status", "event_type"]
    list_select_related = ["endpoint"]
    search_fields = ["endpoint__url", "=event_id"]
    inlines = [AttemptInline]
    actions = ["redeliver"]
    readonly_fields = [
        "endpoint",
        "event_id",
        "event_type",
        "body",
        "status",
        "attempts",
        "next_attempt_at",
        "last_status_code",
        "created_at",
        "finished_at",
    ]
    exclude = ["leased_until"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Redeliver the selected deliveries now")
    def redeliver(self, request, queryset) -> None:
        ids = [str(delivery.pk) for delivery in queryset]
        for delivery in queryset:
            delivery_redeliver(delivery)
        transaction.on_commit(lambda: send_webhooks.delay(ids))
        self.message_user(request, f"{len(ids)} deliveries queued to be sent again.", messages.SUCCESS)
