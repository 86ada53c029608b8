"""aigo.i18n: locale resolution, normalization, validation, the model field and the admin widget."""

import re

import pytest
from django import forms
from django.core.exceptions import ValidationError

from aigo.i18n.fields import LocalizedField, LocalizedFormField, LocalizedWidget, validate_localized
from aigo.i18n.locales import locale_choices, normalize_locale, resolve
from catalog.models import AIModel, Provider

LOCALES = ["en-US", "zh-CN", "zh-TW", "ja-JP", "ko-KR", "de-DE", "fr-FR", "es-ES"]


@pytest.fixture(autouse=True)
def configured_locales(settings):
    """Pin the locale configuration so an AIGO_LOCALES in the environment cannot change the tests."""
    settings.AIGO_LOCALES = list(LOCALES)
    settings.AIGO_DEFAULT_LOCALE = "en-US"
    return settings


# --- resolve() -----------------------------------------------------------------------------


def test_resolve_returns_the_exact_locale_when_present():
    value = {"en-US": "Hello", "ja-JP": "こんにちは", "zh-CN": "你好"}
    assert resolve(value, "ja-JP") == "こんにちは"
    assert resolve(value, "zh-CN") == "你好"


def test_resolve_falls_back_to_same_language_then_en_us():
    value = {"en-US": "Hello", "zh-CN": "你好"}
    assert resolve(value, "zh-TW") == "你好"


def test_resolve_prefers_same_language_over_en_us_even_without_english():
    assert resolve({"zh-CN": "你好"}, "zh-TW") == "你好"


def test_resolve_falls_back_to_en_us_when_no_same_language_locale_exists():
    value = {"en-US": "Hello", "zh-CN": "你好"}
    assert resolve(value, "ko-KR") == "Hello"


def test_resolve_returns_none_when_nothing_matches_and_there_is_no_en_us():
    assert resolve({"zh-CN": "你好", "ja-JP": "こんにちは"}, "ko-KR") is None


@pytest.mark.parametrize("value", [None, {}])
def test_resolve_returns_none_for_an_empty_value(value):
    assert resolve(value, "en-US") is None
    assert resolve(value) is None


def test_resolve_skips_an_empty_string_translation_for_the_next_fallback():
    value = {"en-US": "Hello", "zh-CN": "你好", "zh-TW": ""}
    assert resolve(value, "zh-TW") == "你好"
    assert resolve({"en-US": "Hello", "ko-KR": ""}, "ko-KR") == "Hello"


def test_resolve_returns_none_when_every_fallback_is_an_empty_string():
    assert resolve({"en-US": "", "ko-KR": ""}, "ko-KR") is None


def test_resolve_uses_the_default_locale_when_locale_is_none():
    value = {"en-US": "Hello", "zh-CN": "你好"}
    assert resolve(value, None) == "Hello"
    assert resolve(value) == "Hello"


def test_resolve_uses_the_configured_default_locale(settings):
    settings.AIGO_DEFAULT_LOCALE = "zh-CN"
    assert resolve({"en-US": "Hello", "zh-CN": "你好"}) == "你好"


# --- normalize_locale() --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("zh_cn", "zh-CN"),
        ("EN-us", "en-US"),
        ("en-US", "en-US"),
        ("zh-Hans", "zh-CN"),
        ("zh-Hant", "zh-TW"),
        ("zh_hant", "zh-TW"),
        ("ja", "ja-JP"),
        ("DE", "de-DE"),
        ("  fr-fr  ", "fr-FR"),
        ("xx-YY", None),
        ("xx", None),
        ("", None),
        (None, None),
    ],
)
def test_normalize_locale_maps_user_tags_to_configured_locales(tag, expected):
    assert normalize_locale(tag) == expected


def test_normalize_locale_does_not_guess_a_region_for_an_unconfigured_region():
    # pt-PT is not configured (and neither is any pt locale): no match rather than a guess.
    assert normalize_locale("pt-PT") is None


def test_locale_choices_follow_the_configured_locales():
    choices = locale_choices()
    assert [code for code, _ in choices] == LOCALES
    assert dict(choices)["ja-JP"] == "ja-JP · 日本語"


# --- validate_localized() ------------------------------------------------------------------


def _raises(value, required=()):
    with pytest.raises(ValidationError) as exc_info:
        validate_localized(value, required)
    return exc_info.value


@pytest.mark.parametrize("value", [["en-US", "Hello"], "Hello", '{"en-US": "Hello"}', 42, None])
def test_validate_localized_rejects_a_non_dict_as_invalid(value):
    assert _raises(value).code == "invalid"


def test_validate_localized_rejects_an_unknown_locale_naming_the_key():
    exc = _raises({"en-US": "Hello", "xx-XX": "?"})
    assert exc.code == "unknown_locale"
    assert "xx-XX" in exc.messages[0]
    assert "en-US" not in exc.messages[0].split("Known locales")[0]


def test_validate_localized_treats_locale_keys_as_case_sensitive():
    exc = _raises({"en-us": "Hello"})
    assert exc.code == "unknown_locale"
    assert "en-us" in exc.messages[0]


@pytest.mark.parametrize("text", ["", "   ", "\n\t", None, 3, ["Hello"]])
def test_validate_localized_rejects_empty_whitespace_or_non_string_text(text):
    exc = _raises({"en-US": "Hello", "de-DE": text})
    assert exc.code == "empty"
    assert "de-DE" in exc.messages[0]


def test_validate_localized_requires_the_required_locales():
    exc = _raises({"zh-CN": "你好"}, required=("en-US",))
    assert exc.code == "required_locale"
    assert "en-US" in exc.messages[0]


def test_validate_localized_accepts_a_valid_map():
    validate_localized({"en-US": "Hello", "zh-CN": "你好"}, ("en-US",))
    validate_localized({}, ())


# --- LocalizedField on a real model --------------------------------------------------------


def _model(name, description=None):
    provider = Provider(slug="openai", name="OpenAI")
    return AIModel(provider=provider, slug="gpt-4o", name=name, description=description)


def _clean_errors(instance):
    with pytest.raises(ValidationError) as exc_info:
        instance.full_clean()
    return exc_info.value.message_dict


@pytest.mark.django_db
def test_model_full_clean_rejects_an_unknown_locale_in_name():
    errors = _clean_errors(_model({"xx-XX": "GPT-4o"}))
    assert "name" in errors
    assert any("Unknown locale xx-XX" in message for message in errors["name"])


@pytest.mark.django_db
def test_model_full_clean_rejects_a_name_without_en_us():
    errors = _clean_errors(_model({"zh-CN": "GPT-4o 中文"}))
    assert errors["name"] == ["en-US is required."]


@pytest.mark.django_db
def test_model_full_clean_rejects_an_empty_translation_in_description():
    errors = _clean_errors(_model({"en-US": "GPT-4o"}, description={"en-US": "  "}))
    assert "name" not in errors
    assert any("en-US" in message for message in errors["description"])


@pytest.mark.django_db
def test_model_full_clean_accepts_a_valid_name():
    instance = _model({"en-US": "GPT-4o", "zh-CN": "GPT-4o 中文"})
    # clean_fields (no FK existence check, which needs the provider row) ...
    instance.clean_fields(exclude={"provider"})
    # ... and the full clean, unique and CHECK constraints included, once the provider exists.
    instance.provider.save()
    instance.full_clean()


def test_localized_field_deconstruct_keeps_required_locales_and_long_text():
    field = LocalizedField(required_locales=("en-US", "zh-CN"), long_text=True, null=True, blank=True)
    name, path, args, kwargs = field.deconstruct()
    assert path == "aigo.i18n.LocalizedField"
    assert kwargs["required_locales"] == ("en-US", "zh-CN")
    assert kwargs["long_text"] is True

    rebuilt = LocalizedField(*args, **kwargs)
    assert rebuilt.required_locales == field.required_locales
    assert rebuilt.long_text == field.long_text
    assert rebuilt.null is True and rebuilt.blank is True


def test_localized_field_deconstruct_omits_defaults():
    _, _, args, kwargs = LocalizedField().deconstruct()
    assert "required_locales" not in kwargs
    assert "long_text" not in kwargs
    rebuilt = LocalizedField(*args, **kwargs)
    assert rebuilt.required_locales == ()
    assert rebuilt.long_text is False


def test_model_fields_deconstruct_round_trip():
    for field_name in ("name", "description"):
        field = AIModel._meta.get_field(field_name)
        _, _, args, kwargs = field.deconstruct()
        rebuilt = LocalizedField(*args, **kwargs)
        assert rebuilt.required_locales == field.required_locales
        assert rebuilt.long_text == field.long_text
    assert AIModel._meta.get_field("name").required_locales == ("en-US",)
    assert AIModel._meta.get_field("description").long_text is True


# --- admin form field / widget -------------------------------------------------------------


def _form_class():
    return forms.modelform_factory(AIModel, fields=["name", "description"])


def _inputs(html, tag):
    return re.findall(rf"<{tag}\b[^>]*>", html)


def _attr(tag_html, attr):
    match = re.search(rf'\b{attr}="([^"]*)"', tag_html)
    return match.group(1) if match else None


def test_form_uses_the_localized_form_field_and_widget():
    form = _form_class()()
    assert isinstance(form.fields["name"], LocalizedFormField)
    assert isinstance(form.fields["name"].widget, LocalizedWidget)
    assert form.fields["name"].required is True
    assert form.fields["name"].required_locales == ("en-US",)
    assert form.fields["description"].required is False


def test_form_renders_one_labelled_text_input_per_locale():
    html = str(_form_class()()["name"])
    inputs = _inputs(html, "input")
    assert len(inputs) == len(LOCALES)
    assert not _inputs(html, "textarea")

    labels = re.findall(r'<label for="([^"]*)"[^>]*>(.*?)</label>', html, flags=re.S)
    label_text = dict(labels)
    for locale, tag in zip(LOCALES, inputs, strict=True):
        assert _attr(tag, "name") == f"name_{locale}"
        assert _attr(tag, "type") == "text"
        input_id = _attr(tag, "id")
        assert input_id, tag
        assert input_id in label_text, f"no <label for={input_id!r}>"
        assert locale in label_text[input_id]


def test_form_renders_existing_values_into_their_locale_inputs():
    instance = AIModel(name={"en-US": "GPT-4o", "ja-JP": "GPT-4o 日本語"})
    html = str(_form_class()(instance=instance)["name"])
    values = {_attr(tag, "name"): _attr(tag, "value") for tag in _inputs(html, "input")}
    assert values["name_en-US"] == "GPT-4o"
    assert values["name_ja-JP"] == "GPT-4o 日本語"
    assert values["name_zh-CN"] is None


def test_form_renders_long_text_as_textareas():
    html = str(_form_class()()["description"])
    textareas = _inputs(html, "textarea")
    assert len(textareas) == len(LOCALES)
    assert not _inputs(html, "input")
    assert [_attr(tag, "name") for tag in textareas] == [f"description_{locale}" for locale in LOCALES]
    label_fors = re.findall(r'<label for="([^"]*)"', html)
    assert label_fors == [_attr(tag, "id") for tag in textareas]


@pytest.mark.django_db
def test_form_drops_empty_locales_and_returns_none_for_an_empty_optional_field():
    form = _form_class()(data={"name_en-US": "GPT-4o", "name_zh-CN": "GPT-4o 中文", "name_ja-JP": ""})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == {"en-US": "GPT-4o", "zh-CN": "GPT-4o 中文"}
    assert form.cleaned_data["description"] is None


@pytest.mark.django_db
def test_form_without_en_us_name_reports_en_us_on_name():
    form = _form_class()(data={"name_zh-CN": "GPT-4o 中文"})
    assert not form.is_valid()
    assert "name" in form.errors
    assert any("en-US" in message for message in form.errors["name"])


@pytest.mark.django_db
def test_form_treats_whitespace_only_values_as_empty():
    form = _form_class()(
        data={"name_en-US": "   ", "name_zh-CN": "GPT-4o 中文", "description_en-US": " \n ", "description_de-DE": ""}
    )
    assert not form.is_valid()
    assert any("en-US" in message for message in form.errors["name"])
    assert "description" not in form.errors

    form = _form_class()(data={"name_en-US": " GPT-4o ", "name_ko-KR": "  ", "description_fr-FR": "\t"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == {"en-US": "GPT-4o"}
    assert form.cleaned_data["description"] is None


@pytest.mark.django_db
def test_form_rejects_a_name_with_only_whitespace_everywhere():
    form = _form_class()(data={f"name_{locale}": "  " for locale in LOCALES})
    assert not form.is_valid()
    assert "name" in form.errors
