"""Template tags of the public site: localized content and locale-aware numbers and dates.

Each reads the page's locale from the request (set by aigo.site.locale.SiteLocaleMiddleware).
"""

from django import template
from django.conf import settings

from aigo.i18n import formatting, resolve

register = template.Library()


def _locale(context) -> str:
    request = context.get("request")
    return getattr(request, "locale", None) or settings.AIGO_DEFAULT_LOCALE


@register.simple_tag(takes_context=True)
def localized(context, value) -> str:
    """A localized JSON map in the page's locale, with the fallback chain (escaped as usual)."""
    return resolve(value, _locale(context)) or ""


@register.simple_tag(takes_context=True)
def compact(context, value) -> str:
    return formatting.compact(value, _locale(context))


@register.simple_tag(takes_context=True)
def number(context, value) -> str:
    return formatting.number(value, _locale(context))


@register.simple_tag(takes_context=True)
def percent(context, value, digits: int = 2) -> str:
    return "–" if value is None else formatting.percent(value, _locale(context), digits)


@register.simple_tag(takes_context=True)
def day(context, value, style: str = "medium") -> str:
    return formatting.day(value, _locale(context), style)


@register.simple_tag(takes_context=True)
def moment(context, value, style: str = "medium") -> str:
    return formatting.moment(value, _locale(context), style)


@register.simple_tag(takes_context=True)
def money(context, amount, currency: str) -> str:
    return formatting.money(amount, currency, _locale(context))


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template (None when absent)."""
    return mapping.get(key) if mapping else None


@register.simple_tag(takes_context=True)
def share(context, value, digits: int = 1) -> str:
    """A share from 0 to 1 in percent ("–" when there is none)."""
    return "–" if value is None else formatting.percent(value * 100, _locale(context), digits)
