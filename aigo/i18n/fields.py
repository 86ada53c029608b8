"""Localized columns: JSONB maps keyed by locale ({"en-US": "...", "zh-CN": "..."}).

`LocalizedField` validates the keys against settings.AIGO_LOCALES and gives the admin one
labelled input per locale.
"""

import json
from collections.abc import Iterable

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext

from aigo.i18n.formatting import babel_locale
from aigo.i18n.locales import LOCALE_NAMES


def validate_localized(value, required_locales: Iterable[str] = ()) -> None:
    if not isinstance(value, dict):
        raise ValidationError(
            gettext('Expected an object mapping locale codes to text, e.g. {"en-US": "..."}.'),
            code="invalid",
        )
    known = settings.AIGO_LOCALES
    unknown = sorted(str(key) for key in value if key not in known)
    if unknown:
        raise ValidationError(
            gettext("Unknown locale %(unknown)s. Known locales: %(known)s."),
            code="unknown_locale",
            params={"unknown": ", ".join(unknown), "known": ", ".join(known)},
        )
    for locale, text in value.items():
        if not isinstance(text, str) or not text.strip():
            raise ValidationError(
                gettext("%(locale)s: the text must be a non-empty string."),
                code="empty",
                params={"locale": locale},
            )
    missing = [locale for locale in required_locales if locale not in value]
    if missing:
        raise ValidationError(
            gettext("%(missing)s is required."), code="required_locale", params={"missing": ", ".join(missing)}
        )


def locale_label(locale: str) -> str:
    """The locale named in the editor's language, then in its own so translators find theirs:
    "Japanisch (Japan) · 日本語" for a German editor, "Deutsch (Deutschland)" alone."""
    editor = babel_locale(translation.get_language() or settings.LANGUAGE_CODE)
    shown = babel_locale(locale)
    named = shown.get_display_name(editor) or locale
    if shown.language == editor.language:
        return named
    return f"{named} · {LOCALE_NAMES.get(locale, shown.get_display_name())}"


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
            subwidget["label"] = locale_label(locale)
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
        name, _path, args, kwargs = super().deconstruct()
        # Migrations name the package's face, so the module the class lives in may move.
        path = "aigo.i18n.LocalizedField"
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
