"""Who is reading: locale (from the URL), region and currency (from cookies, else guessed).

Pages are rendered from cookies alone, without a database read: the switcher writes the same
choices to the visitor's row in user_preferences (RLS-protected) and to these cookies.
"""

import functools
import re
from dataclasses import dataclass

from babel.numbers import get_territory_currencies
from django.conf import settings

from aigo.i18n import locale_from_accept_language, normalize_locale
from aigo.regions import chosen_region, request_region

LOCALE_COOKIE = "aigo_locale"
CURRENCY_COOKIE = "aigo_currency"
COOKIE_AGE = 365 * 24 * 3600
CURRENCY = re.compile(r"[A-Z]{3}")
# Offered in the switcher; any ISO code with an exchange rate works when set by hand.
CURRENCIES = ("USD", "EUR", "CNY", "JPY", "GBP", "KRW", "TWD", "HKD", "SGD", "INR", "CAD", "AUD", "CHF", "BRL")


@dataclass(frozen=True)
class Visitor:
    locale: str
    region: str | None  # None: prices that apply everywhere
    currency: str
    region_chosen: bool  # False when guessed from the edge header


@functools.lru_cache(maxsize=64)
def currency_of_locale(locale: str) -> str:
    """The currency where the locale is spoken: ja-JP -> JPY, de-DE -> EUR; USD otherwise."""
    territory = locale.split("-")[-1] if "-" in locale else ""
    found = get_territory_currencies(territory) if territory else []
    return found[0] if found else "USD"


def visitor_of(request, locale: str) -> Visitor:
    currency = request.COOKIES.get(CURRENCY_COOKIE, "")
    if not CURRENCY.fullmatch(currency):
        currency = currency_of_locale(locale)
    return Visitor(
        locale=locale,
        region=request_region(request),
        currency=currency,
        region_chosen=chosen_region(request) is not None,
    )


def preferred_locale(request) -> str:
    """For addresses without a locale: the cookie, else Accept-Language, else the default."""
    return (
        normalize_locale(request.COOKIES.get(LOCALE_COOKIE))
        or locale_from_accept_language(request.META.get("HTTP_ACCEPT_LANGUAGE", ""))
        or settings.AIGO_DEFAULT_LOCALE
    )
