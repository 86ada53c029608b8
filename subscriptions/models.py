"""A visitor's followed models, without an account: the token in a private address is the key.

The token is never listed or logged anywhere a reader could find it; whoever has the address can
read the feed, change what it follows and stop it, like a private calendar link.
"""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Value

from aigo.fields import created_at_field, updated_at_field, uuid_primary_key

MAX_MODELS = 200


class Subscription(models.Model):
    id = uuid_primary_key()
    token = models.CharField(max_length=64, editable=False)  # secrets.token_urlsafe(32)
    model_slugs = ArrayField(models.TextField(), default=list, db_default=Value("{}"), blank=True)
    locale = models.CharField(max_length=10, default="en-US", db_default="en-US")
    currency = models.CharField(max_length=3, default="USD", db_default="USD")
    # The daily digest: to this address once it is confirmed (a link in a first email).
    email = models.EmailField(blank=True, default="")
    email_confirmed_at = models.DateTimeField(null=True, blank=True)
    digest_sent_until = models.DateTimeField(null=True, blank=True)  # the events up to here were sent
    created_at = created_at_field()
    updated_at = updated_at_field()

    class Meta:
        db_table = "subscriptions"
        constraints = [models.UniqueConstraint(fields=["token"], name="idx_subscriptions_token")]
        indexes = [
            # the digest's daily pass: confirmed addresses only
            models.Index(
                fields=["email_confirmed_at"],
                name="idx_subscriptions_digest",
                condition=models.Q(email_confirmed_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{len(self.model_slugs)} models"
