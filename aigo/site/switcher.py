"""The footer's switcher: locale, region and currency stored in cookies and the visitor's row."""

from django.conf import settings
from django.http import HttpResponseForbidden, HttpResponseRedirect
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.preferences import (
    VISITOR_COOKIE,
    VISITOR_COOKIE_AGE,
    preferences_update,
    visitor_identifier_valid,
    visitor_new_identifier,
)
from aigo.regions import REGION_COOKIE
from aigo.site.locale import locale_of_path, path_in_locale
from aigo.site.same_site import same_site
from aigo.site.visitor import COOKIE_AGE, CURRENCY, CURRENCY_COOKIE, LOCALE_COOKIE


def _safe_next(value: str | None) -> str:
    """Only a path on this site: never an absolute or protocol-relative address."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


@csrf_exempt
@require_POST
def preferences(request, locale: str):
    """The switcher: stores locale, region and currency in cookies and the visitor's row."""
    if not same_site(request):
        return HttpResponseForbidden("Cross-site form refused.")
    chosen_locale = request.POST.get("locale")
    chosen_locale = chosen_locale if chosen_locale in settings.AIGO_LOCALES else locale
    region = request.POST.get("region") or ""
    region = region if region in settings.AIGO_REGIONS else ""
    currency = (request.POST.get("currency") or "").upper()
    currency = currency if CURRENCY.fullmatch(currency) else ""

    target = _safe_next(request.POST.get("next"))
    target = path_in_locale(target, chosen_locale) if locale_of_path(target) or target == "/" else target
    response = HttpResponseRedirect(target)
    cookie = {"max_age": COOKIE_AGE, "samesite": "Lax", "secure": request.is_secure(), "httponly": True}
    response.set_cookie(LOCALE_COOKIE, chosen_locale, **cookie)
    for name, value in ((REGION_COOKIE, region), (CURRENCY_COOKIE, currency)):
        if value:
            response.set_cookie(name, value, **cookie)
        else:
            response.delete_cookie(name)

    identifier = request.COOKIES.get(VISITOR_COOKIE)
    if not visitor_identifier_valid(identifier):
        identifier = visitor_new_identifier()
        response.set_cookie(VISITOR_COOKIE, identifier, **{**cookie, "max_age": VISITOR_COOKIE_AGE})
    changes = {"preferred_locale": chosen_locale, "preferred_region": region or None}
    if currency:
        changes["preferred_currency"] = currency
    preferences_update(identifier=identifier, changes=changes)
    return response
