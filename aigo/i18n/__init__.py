"""Localized content: the configured locales and how a reader's locale is found (`locales`),
localized JSONB columns (`fields`), and money, numbers and dates written per locale
(`formatting`, imported from there where used)."""

from aigo.i18n.fields import LocalizedField, validate_localized
from aigo.i18n.locales import (
    LOCALE_NAMES,
    django_language,
    fallback_chain,
    locale_choices,
    locale_from_accept_language,
    normalize_locale,
    resolve,
    response_in,
    translated,
)

__all__ = [
    "LOCALE_NAMES",
    "LocalizedField",
    "django_language",
    "fallback_chain",
    "locale_choices",
    "locale_from_accept_language",
    "normalize_locale",
    "resolve",
    "response_in",
    "translated",
    "validate_localized",
]
