"""Localized content: JSONB maps keyed by locale ({"en-US": "...", "zh-CN": "..."}).

`LocalizedField` validates the keys against settings.AIGO_LOCALES, gives the admin one labelled
input per locale, and `resolve()` picks the text for a reader: exact locale, then another
locale of the same language, then en-US.
"""

import json
from collections.abc import Iterable, Mapping

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

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


def _language(locale: str) -> str:
    return locale.split("-", 1)[0].lower()


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


def validate_localized(value, required_locales: Iterable[str] = ()) -> None:
    if not isinstance(value, dict):
        raise ValidationError(
            'Expected an object mapping locale codes to text, e.g. {"en-US": "..."}.',
            code="invalid",
        )
    known = settings.AIGO_LOCALES
    unknown = sorted(str(key) for key in value if key not in known)
    if unknown:
        raise ValidationError(
            "Unknown locale %(unknown)s. Known locales: %(known)s.",
            code="unknown_locale",
            params={"unknown": ", ".join(unknown), "known": ", ".join(known)},
        )
    for locale, text in value.items():
        if not isinstance(text, str) or not text.strip():
            raise ValidationError(
                "%(locale)s: the text must be a non-empty string.",
                code="empty",
                params={"locale": locale},
            )
    missing = [locale for locale in required_locales if locale not in value]
    if missing:
        raise ValidationError(
            "%(missing)s is required.", code="required_locale", params={"missing": ", ".join(missing)}
        )


class LocalizedWidget(forms.MultiWidget):
    template_name = "aigo/widgets/localized.html"

    class Media:
        css = {"all": ["aigo/localized.css"]}

    def __init__(self, locales: list[str], long_text: bool = False, attrs=None):
        self.locales = list(locales)
        widget = forms.Textarea(attrs={"rows": 3, "cols": 80}) if long_text else forms.TextInput(attrs={"size": 60})
        super().__init__({locale: widget for locale in self.locales}, attrs)

    def decompress(self, value):
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                value = None
        value = value if isinstance(value, dict) else {}
        return [value.get(locale) for locale in self.locales]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for locale, subwidget in zip(self.locales, context["widget"]["subwidgets"], strict=True):
            subwidget["locale"] = locale
            subwidget["label"] = LOCALE_NAMES.get(locale, locale)
        return context


class LocalizedFormField(forms.MultiValueField):
    def __init__(self, *, required_locales=(), long_text: bool = False, **kwargs):
        self.locales = list(settings.AIGO_LOCALES)
        self.required_locales = tuple(required_locales)
        for unused in ("encoder", "decoder", "max_length"):
            kwargs.pop(unused, None)
        fields = [forms.CharField(required=False) for _ in self.locales]
        super().__init__(
            fields=fields,
            require_all_fields=False,
            widget=LocalizedWidget(self.locales, long_text),
            **kwargs,
        )

    def compress(self, data_list):
        data_list = data_list or [None] * len(self.locales)
        value = {locale: text for locale, text in zip(self.locales, data_list, strict=True) if text}
        if not value and not self.required:
            return None
        validate_localized(value, self.required_locales)
        return value


class LocalizedField(models.JSONField):
    """JSONB text per locale. `required_locales` must be present (en-US for NOT NULL columns)."""

    def __init__(self, *args, required_locales=(), long_text: bool = False, **kwargs):
        self.required_locales = tuple(required_locales)
        self.long_text = long_text
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.required_locales:
            kwargs["required_locales"] = self.required_locales
        if self.long_text:
            kwargs["long_text"] = True
        return name, path, args, kwargs

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        if value is not None:
            validate_localized(value, self.required_locales)

    def formfield(self, **kwargs):
        return models.Field.formfield(
            self,
            form_class=LocalizedFormField,
            required_locales=self.required_locales,
            long_text=self.long_text,
            **kwargs,
        )
