"""Following models without an account: "Follow" on a model page, a private page and Atom feed
at an unguessable address, and, where email is configured, a daily digest (aigo.site.digests).

The private address is the key, kept in an HttpOnly cookie so further follows add to it. Its
pages are never cached, never indexed, and send no Referer onward.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import Http404, HttpResponseForbidden, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from aigo.i18n import resolve
from aigo.site.changes import ChangesFeed
from aigo.site.digests import confirmation_send
from aigo.site.same_site import same_site
from aigo.site.visitor import visitor_of
from catalog.changes.filters import ChangeFilters
from catalog.models import AIModel
from subscriptions.services import (
    email_confirm,
    email_request,
    email_stop,
    model_follow,
    model_unfollow,
    subscription_of,
)

COOKIE = "aigo_follow"
COOKIE_AGE = 2 * 365 * 24 * 3600


def _private(response):
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    return response


def _page(locale: str, token: str) -> str:
    return reverse("site:following", args=[locale, token])


@csrf_exempt
@require_POST
def follow(request, locale: str):
    if not same_site(request):
        return HttpResponseForbidden("Cross-site form refused.")
    visitor = visitor_of(request, locale)
    try:
        subscription = model_follow(
            subscription_of(request.COOKIES.get(COOKIE)),
            request.POST.get("model", ""),
            locale=locale,
            currency=visitor.currency,
        )
    except LookupError:
        raise Http404("No such model.") from None
    response = HttpResponseRedirect(_page(locale, subscription.token))
    response.set_cookie(
        COOKIE, subscription.token, max_age=COOKIE_AGE, samesite="Lax", secure=request.is_secure(), httponly=True
    )
    return response


def following(request, locale: str, token: str):
    subscription = subscription_of(token)
    if subscription is None:
        raise Http404("No such subscription.")
    models = AIModel.objects.filter(slug__in=subscription.model_slugs).only("slug", "name").order_by("slug")
    feed = request.build_absolute_uri(reverse("private_changes_atom", args=[token]))
    context = {
        "nav": "changes",
        "subscription": subscription,
        "followed": [(model.slug, resolve(model.name, locale) or model.slug) for model in models],
        "feed_url": feed,
        "email_enabled": settings.AIGO_EMAIL_DIGESTS,
        "notice": request.GET.get("notice", ""),
    }
    return _private(TemplateResponse(request, "site/following.html", context))


def _posted(view):
    """A POST from this site to a subscription's page, with the subscription found."""

    @csrf_exempt
    @require_POST
    def wrapper(request, locale: str, token: str):
        if not same_site(request):
            return HttpResponseForbidden("Cross-site form refused.")
        subscription = subscription_of(token)
        if subscription is None:
            raise Http404("No such subscription.")
        notice = view(request, locale, subscription) or ""
        return _private(HttpResponseRedirect(_page(locale, token) + (f"?notice={notice}" if notice else "")))

    return wrapper


@_posted
def unfollow(request, locale: str, subscription):
    model_unfollow(subscription, request.POST.get("model", ""))


@_posted
def email_set(request, locale: str, subscription):
    if not settings.AIGO_EMAIL_DIGESTS:
        return "no-email"
    address = request.POST.get("email", "").strip()
    try:
        validate_email(address)
    except ValidationError:
        return "bad-email"
    token = email_request(subscription, address)
    link = request.build_absolute_uri(reverse("site:following_confirm", args=[locale, subscription.token, token]))
    confirmation_send(subscription, link, request.build_absolute_uri(_page(locale, subscription.token)))
    return "sent"


@_posted
def email_unset(request, locale: str, subscription):
    email_stop(subscription)
    return "stopped"


def email_confirmed(request, locale: str, token: str, signed: str):
    subscription = subscription_of(token)
    if subscription is None:
        raise Http404("No such subscription.")
    notice = "confirmed" if email_confirm(subscription, signed) else "bad-link"
    return _private(HttpResponseRedirect(f"{_page(locale, token)}?notice={notice}"))


class PrivateFeed(ChangesFeed):
    """The followed models' events, in the subscription's locale and currency."""

    def get_object(self, request, token: str):
        subscription = subscription_of(token)
        if subscription is None:
            raise Http404("No such subscription.")
        # No model followed: nothing, rather than every model's events.
        return (
            subscription.locale,
            ChangeFilters(models=tuple(subscription.model_slugs) or ("-",)),
            subscription.currency,
        )


_private_feed = PrivateFeed()


def private_atom(request, token: str):
    return _private(_private_feed(request, token=token))
