"""Email for followers (where EMAIL_URL configures a backend): the confirmation of an address, and
the daily digest of what changed in the models a subscription follows, in its locale and currency."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from aigo.i18n import translated
from aigo.site.change_text import changes_described
from catalog.currency import rates_on
from subscriptions.models import Subscription
from subscriptions.services import digest_events


def _site(path: str) -> str:
    return settings.AIGO_SITE_URL.rstrip("/") + path


def _send(subscription: Subscription, subject: str, body: str, page: str) -> None:
    message = EmailMessage(
        subject,
        body,
        to=[subscription.email],
        headers={"List-Unsubscribe": f"<{page}>", "Auto-Submitted": "auto-generated"},
    )
    message.send()


def confirmation_send(subscription: Subscription, link: str, page: str) -> None:
    with translated(subscription.locale):
        body = render_to_string("site/email/confirm.txt", {"link": link, "page": page})
        _send(subscription, gettext("Confirm your AI-GO digest"), body, page)


def digests_send(now=None) -> int:
    """One email per confirmed subscription with news since its last; returns the emails sent."""
    now = now or timezone.now()
    sent = 0
    # uses index: idx_subscriptions_digest
    for subscription in Subscription.objects.filter(email_confirmed_at__isnull=False).iterator():
        events = digest_events(subscription, now)
        if events:
            locale, currency = subscription.locale, subscription.currency
            currencies = {event.payload["currency"] for event in events if "currency" in event.payload}
            page = _site(reverse("site:following", args=[locale, subscription.token]))
            with translated(locale):
                changes = changes_described(events, locale, currency, rates_on([currency, *currencies], now.date()))
                body = render_to_string("site/email/digest.txt", {"changes": changes, "page": page})
                subject = ngettext(
                    "AI-GO: %(count)s change to the models you follow",
                    "AI-GO: %(count)s changes to the models you follow",
                    len(events),
                ) % {"count": len(events)}
            _send(subscription, subject, body, page)
            sent += 1
        Subscription.objects.filter(pk=subscription.pk).update(digest_sent_until=now)
    return sent
