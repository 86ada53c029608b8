"""Following models and the daily digest."""

import secrets
from datetime import datetime

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone

from catalog.models import AIModel, ChangeEvent

from .models import MAX_MODELS, Subscription

CONFIRM_SALT = "subscriptions.email"
CONFIRM_MAX_AGE = 7 * 24 * 3600


def subscription_of(token: str | None) -> Subscription | None:
    if not token or len(token) > 64:
        return None
    return Subscription.objects.filter(token=token).first()


@transaction.atomic
def model_follow(subscription: Subscription | None, slug: str, *, locale: str, currency: str) -> Subscription:
    """Add the model to the subscription, made if there is none yet."""
    if not AIModel.objects.filter(slug=slug).exists():
        raise LookupError(slug)
    if subscription is None:
        subscription = Subscription.objects.create(token=secrets.token_urlsafe(32), locale=locale, currency=currency)
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if slug not in subscription.model_slugs and len(subscription.model_slugs) < MAX_MODELS:
        subscription.model_slugs = [*subscription.model_slugs, slug]
        subscription.save(update_fields=["model_slugs", "updated_at"])
    return subscription


@transaction.atomic
def model_unfollow(subscription: Subscription, slug: str) -> None:
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    subscription.model_slugs = [followed for followed in subscription.model_slugs if followed != slug]
    subscription.save(update_fields=["model_slugs", "updated_at"])


def email_confirmation_token(subscription: Subscription, email: str) -> str:
    return signing.dumps({"s": str(subscription.pk), "e": email}, salt=CONFIRM_SALT, compress=True)


def email_request(subscription: Subscription, email: str) -> str:
    """Store the address unconfirmed and return the token of the link that confirms it."""
    subscription.email, subscription.email_confirmed_at = email, None
    subscription.save(update_fields=["email", "email_confirmed_at", "updated_at"])
    return email_confirmation_token(subscription, email)


def email_confirm(subscription: Subscription, token: str) -> bool:
    """Confirm the address the signed `token` names, if it is still the subscription's."""
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:
        return False
    if data != {"s": str(subscription.pk), "e": subscription.email} or not subscription.email:
        return False
    subscription.email_confirmed_at = timezone.now()
    subscription.digest_sent_until = subscription.email_confirmed_at  # news from here on
    subscription.save(update_fields=["email_confirmed_at", "digest_sent_until", "updated_at"])
    return True


def email_stop(subscription: Subscription) -> None:
    subscription.email, subscription.email_confirmed_at = "", None
    subscription.save(update_fields=["email", "email_confirmed_at", "updated_at"])


def digest_events(subscription: Subscription, until: datetime) -> list[ChangeEvent]:
    """The events of the followed models since the last digest, oldest first."""
    since = subscription.digest_sent_until or subscription.email_confirmed_at
    # uses index: idx_changes_model
    return list(
        ChangeEvent.objects.filter(
            model__in=subscription.model_slugs, occurred_at__gt=since, occurred_at__lte=until
        ).order_by("id")[: settings.AIGO_DIGEST_MAX_EVENTS]
    )
