"""Money, numbers and dates written the way each locale writes them (Babel's CLDR data).

Locales are the project's BCP 47 tags (en-US, zh-CN, ja-JP, ...); anything Babel does not know
falls back to en-US rather than failing a page.
"""

import functools
from datetime import date, datetime
from decimal import Decimal

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime
from babel.numbers import format_compact_decimal, format_currency, format_decimal, format_percent

FALLBACK = "en-US"


@functools.lru_cache(maxsize=64)
def babel_locale(locale: str) -> Locale:
    try:
        return Locale.parse(locale, sep="-")
    except (UnknownLocaleError, ValueError):
        return Locale.parse(FALLBACK, sep="-")


def _remembered(format_value):
    """Babel's formatting is a large part of a page's render, and a page shows the same few
    amounts and days over and over. Keyed by the value's type and text, not by equality:
    Decimal("1.0") equals Decimal("1.00") but is written differently."""

    @functools.lru_cache(maxsize=16384)
    def remembered(kind: type, text: str, value, *args, **kwargs):
        return format_value(value, *args, **kwargs)

    @functools.wraps(format_value)
    def wrapper(value, *args, **kwargs):
        return remembered(type(value), str(value), value, *args, **kwargs)

    return wrapper


@_remembered
def money(amount: Decimal | float, currency: str, locale: str) -> str:
    """At least the currency's usual digits, more when the amount has them: per-token prices
    such as $0.075 must not be rounded to $0.08."""
    return format_currency(amount, currency, locale=babel_locale(locale), decimal_quantization=False)


@_remembered
def number(value: Decimal | float | int, locale: str) -> str:
    return format_decimal(value, locale=babel_locale(locale))


@_remembered
def compact(value: int, locale: str) -> str:
    """128000 -> "128K" (en), "12.8万" (zh): for context windows and token counts."""
    where = babel_locale(locale)
    text = format_compact_decimal(value, locale=where, fraction_digits=1)
    # German has no short form for thousands ("200000"): group the digits instead ("200.000").
    return format_decimal(value, locale=where) if text.isdigit() else text


@_remembered
def percent(value: Decimal | float, locale: str, digits: int = 2) -> str:
    """`value` in percent points (99.95, not 0.9995), with exactly `digits` decimals."""
    where = babel_locale(locale)
    pattern = where.percent_formats[None].pattern  # keeps the locale's spacing: "#,##0 %" in German
    if digits:
        pattern = pattern.replace("0", "0." + "0" * digits, 1)  # CLDR's have one integer 0
    return format_percent(Decimal(str(value)) / 100, pattern, locale=where)


@_remembered
def day(value: date, locale: str, style: str = "medium") -> str:
    return format_date(value, style, locale=babel_locale(locale))


@_remembered
def moment(value: datetime, locale: str, style: str = "medium") -> str:
    return format_datetime(value, style, tzinfo=value.tzinfo, locale=babel_locale(locale))
