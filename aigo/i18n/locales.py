"""The configured locales and how a reader's locale is found and served: user-supplied tags
normalized, Accept-Language read, and `resolve()` picking the text of a localized map for a
reader: exact locale, then another locale of the same language, then en-US.
"""

from collections.abc import Mapping

from django.conf import settings
from django.utils import translation

# Names shown beside each input in the admin, in their own language so translators find theirs.
LOCALE_NAMES = {
    "en-US": "English (US)",
    "en-GB": "English (UK)",
    "zh-CN": "简体中文",
    "zh-TW": "繁體中文",
    "ja-JP": "日本語",
    "ko-KR": "한국어",
    "de-DE": "Deutsch",
    "fr-FR": "Français",
    "es-ES": "Español",
    "pt-BR": "Português (Brasil)",
}
# Script subtags that pick a region for Chinese (browsers send zh-Hans / zh-Hant).
_SCRIPT_REGIONS = {"hans": "CN", "hant": "TW"}
# Django's language codes for the UI catalogs (locale/<code>/LC_MESSAGES/django.po): Chinese is
# catalogued by script, the rest by language (gettext alone would look for zh_TW, then zh).
_CATALOG_SCRIPTS = {"zh-CN": "zh-hans", "zh-TW": "zh-hant"}


def _language(locale: str) -> str:
    return locale.split("-", 1)[0].lower()


def django_language(locale: str) -> str:
    """The UI catalog of a content locale: zh-TW -> zh-hant, de-DE -> de."""
    return _CATALOG_SCRIPTS.get(locale, _language(locale))


def translated(locale: str):
    """A block whose gettext speaks `locale` (a content locale such as zh-TW): pages, feeds,
    emails and badges alike."""
    return translation.override(django_language(locale))


def response_in(language: str, get_response, request):
    """`get_response(request)` with Django's `language` active, a lazily rendered response
    (TemplateResponse) rendered in it rather than after it; for middleware."""
    with translation.override(language):
        response = get_response(request)
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
    return response


def locale_choices() -> list[tuple[str, str]]:
    return [(locale, f"{locale} · {LOCALE_NAMES.get(locale, locale)}") for locale in settings.AIGO_LOCALES]


def normalize_locale(tag: str | None) -> str | None:
    """Map a user-supplied tag (zh_cn, zh-Hans, ja, EN-us) to a configured locale, or None."""
    if not tag:
        return None
    parts = tag.strip().replace("_", "-").split("-")
    if len(parts) > 1 and parts[1].lower() in _SCRIPT_REGIONS:
        parts = [parts[0], _SCRIPT_REGIONS[parts[1].lower()]]
    wanted = "-".join(parts).lower()
    locales = settings.AIGO_LOCALES
    for locale in locales:
        if locale.lower() == wanted:
            return locale
    if len(parts) == 1:
        return next((locale for locale in locales if _language(locale) == wanted), None)
    return None


def locale_from_accept_language(header: str) -> str | None:
    """The first configured locale an Accept-Language header asks for, by quality."""
    from django.utils.translation.trans_real import parse_accept_lang_header

    for tag, _quality in parse_accept_lang_header(header[:500]):
        locale = normalize_locale(tag)
        if locale:
            return locale
    return None


def fallback_chain(locale: str | None) -> list[str]:
    """The locales to try, in order, for a reader of `locale`: exact, same language, en-US."""
    locale = locale or settings.AIGO_DEFAULT_LOCALE
    language = _language(locale)
    chain = [locale] + [other for other in settings.AIGO_LOCALES if _language(other) == language and other != locale]
    if settings.AIGO_DEFAULT_LOCALE not in chain:
        chain.append(settings.AIGO_DEFAULT_LOCALE)
    return chain


def resolve(value: Mapping[str, str] | None, locale: str | None = None) -> str | None:
    """The text of `value` for `locale`: exact, then same language, then en-US, else None."""
    if not value:
        return None
    return next((value[candidate] for candidate in fallback_chain(locale) if value.get(candidate)), None)
