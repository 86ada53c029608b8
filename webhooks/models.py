"""Webhook endpoints registered by API clients, and each event's delivery to each of them.

A delivery row is written before anything is sent (at-least-once: a crash between sending and
recording leaves it due, and it is sent again). `leased_until` keeps two workers from sending the
same delivery at once without holding a transaction open across the request.
"""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q, Value

from aigo.fields import created_at_field, updated_at_field, uuid_primary_key

STATUSES = [("pending", "pending"), ("succeeded", "succeeded"), ("failed", "failed")]


def _list_field() -> ArrayField:
    return ArrayField(models.TextField(), default=list, db_default=Value("{}"), blank=True)


class WebhookEndpoint(models.Model):
    id = uuid_primary_key()
    # The API client it belongs to: the key's user_identifier, else "key:<public id>" (survives rotation when set).
    owner = models.CharField(max_length=100)
    url = models.URLField(max_length=2000)
    description = models.CharField(max_length=200, blank=True, default="")
    event_types = _list_field()  # empty: every type
    model_slugs = _list_field()  # empty: every model
    provider_slugs = _list_field()  # empty: every provider
    is_active = models.BooleanField(default=True, db_default=True)
    secret = models.CharField(max_length=100, editable=False)  # "whsec_...", shown once
    # After a rotation the old secret signs too (a second signature) until this time.
    previous_secret = models.CharField(max_length=100, blank=True, default="", editable=False)
    previous_secret_until = models.DateTimeField(null=True, blank=True, editable=False)
    failing_since = models.DateTimeField(null=True, blank=True, editable=False)  # first failure since a success
    disabled_reason = models.TextField(blank=True, default="", editable=False)
    created_at = created_at_field()
    updated_at = updated_at_field()

    class Meta:
        db_table = "webhook_endpoints"
        verbose_name = "webhook endpoint"
        ordering = ["created_at"]
        indexes = [models.Index(fields=["owner"], name="idx_webhook_endpoints_owner")]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    id = uuid_primary_key()  # also the `webhook-id` header: the same on every attempt
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries", db_index=False)
    event_id = models.BigIntegerField()
    event_type = models.CharField(max_length=40)
    body = models.TextField()  # exactly what is signed and sent, every attempt
    status = models.CharField(max_length=20, choices=STATUSES, default="pending", db_default="pending")
    attempts = models.IntegerField(default=0, db_default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    leased_until = models.DateTimeField(null=True, blank=True, editable=False)
    # Handed to a send task: not queued again before then (a task lost with its worker is, after).
    queued_until = models.DateTimeField(null=True, blank=True, editable=False)
    last_status_code = models.IntegerField(null=True, blank=True)
    created_at = created_at_field()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "webhook_deliveries"
        verbose_name = "webhook delivery"
        verbose_name_plural = "webhook deliveries"
        ordering = ["-created_at"]
        constraints = [
            # One delivery of an event to an endpoint, however often dispatch runs.
            models.UniqueConstraint(fields=["endpoint", "event_id"], name="idx_webhook_deliveries_event"),
        ]
        indexes = [
            # the sender's queue: WHERE status = 'pending' ORDER BY next_attempt_at
            models.Index(fields=["next_attempt_at"], name="idx_webhook_deliveries_due", condition=Q(status="pending")),
            # an endpoint's log, newest first
            models.Index(fields=["endpoint", "-created_at"], name="idx_webhook_deliveries_log"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} #{self.event_id} → {self.endpoint_id}"


class WebhookAttempt(models.Model):
    id = models.BigAutoField(primary_key=True)
    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log", db_index=False)
    number = models.IntegerField()
    attempted_at = models.DateTimeField()
    status_code = models.IntegerField(null=True, blank=True)
    latency_ms = models.IntegerField(null=True, blank=True)
    response_excerpt = models.TextField(blank=True, default="")
    error = models.TextField(blank=True, default="")

    class Meta:
        db_table = "webhook_attempts"
        ordering = ["delivery", "number"]
        indexes = [models.Index(fields=["delivery", "number"], name="idx_webhook_attempts_delivery")]


class DispatchPosition(models.Model):
    """The feed position up to which events were turned into deliveries (one row)."""

    id = models.SmallIntegerField(primary_key=True, default=1)
    txid = models.BigIntegerField(default=0)
    event_id = models.BigIntegerField(default=0)

    class Meta:
        db_table = "webhook_dispatch_position"
        constraints = [models.CheckConstraint(condition=Q(id=1), name="webhook_dispatch_position_single")]
