"""The events' validation without DRF's per-serializer machinery, for the batches that are valid.

DRF's serializers took about a millisecond for a batch of 20 events, most of an accepted
request (bench/RESULTS.md). This fast path is built from the same serializers' declarations and
returns what they would: plain text, choices, integers and lists of text are checked here only
where DRF would return the value unchanged (text already trimmed, within its length); any
other field is run through its own DRF field and the serializer's validate_<field> method. Any
doubt or error returns None, and the serializer itself decides and words the errors.
"""

import re
from collections.abc import Callable

from rest_framework import fields, serializers

Check = Callable[[object], object]
SURROGATES = re.compile("[\ud800-\udfff]")  # refused by DRF's text fields
_NO = object()  # not decided here: the serializer runs


def _text_unchanged(field: fields.CharField, value: object) -> bool:
    return (
        type(value) is str
        and value == value.strip()
        and (value.isascii() or not SURROGATES.search(value))
        and "\x00" not in value
        and (value != "" or field.allow_blank)
        and (field.max_length is None or len(value) <= field.max_length)
        and (field.min_length is None or len(value) >= field.min_length)
    )


def _field_check(field: fields.Field) -> Check:
    """value -> the validated value, or _NO."""
    if type(field) is fields.CharField:
        return lambda value: value if _text_unchanged(field, value) else _NO
    if type(field) is fields.RegexField:
        # Compiled here: a validator's regex is a lazy object, and a call through it cost more than the search.
        patterns = [
            re.compile(validator.regex.pattern, validator.regex.flags)
            for validator in field.validators
            if hasattr(validator, "regex")
        ]

        def regex_check(value):
            if not _text_unchanged(field, value):
                return _NO
            for pattern in patterns:
                if not pattern.search(value):
                    return _NO
            return value

        return regex_check
    if type(field) is fields.ChoiceField:
        return lambda value: value if type(value) is str and value in field.choices else _NO
    if type(field) is fields.IntegerField:
        low, high = field.min_value, field.max_value

        def integer_check(value):
            ok = type(value) is int and (low is None or value >= low) and (high is None or value <= high)
            return value if ok else _NO

        return integer_check
    if type(field) is fields.DictField and type(field.child) is fields._UnvalidatedField and field.allow_empty:
        # Its values are taken as they are; JSON object keys are already text.
        return lambda value: dict(value) if type(value) is dict else _NO
    if type(field) is fields.ListField and type(field.child) is fields.CharField:
        low, high = field.min_length, field.max_length

        def list_check(value):
            ok = (
                type(value) is list
                and (low is None or len(value) >= low)
                and (high is None or len(value) <= high)
                and all(_text_unchanged(field.child, item) for item in value)
            )
            return list(value) if ok else _NO

        return list_check

    def drf_check(value):
        try:
            return field.run_validation(value)
        except serializers.ValidationError:
            return _NO

    return drf_check


class FastCheck:
    """The fast path of one StrictSerializer: its fields' checks, its required fields and defaults."""

    def __init__(self, serializer: serializers.Serializer) -> None:
        self.checks: dict[str, Check] = {}
        for name, field in serializer.fields.items():
            check, method = _field_check(field), getattr(serializer, f"validate_{name}", None)
            self.checks[name] = check if method is None else _then(check, method)
        self.required = frozenset(name for name, field in serializer.fields.items() if field.required)
        self.defaults = {
            name: field.default for name, field in serializer.fields.items() if field.default is not fields.empty
        }

    def run(self, data: object) -> dict | None:
        if type(data) is not dict or not self.required <= data.keys():
            return None
        validated = {}
        for name, value in data.items():
            check = self.checks.get(name)
            result = _NO if check is None else check(value)
            if result is _NO:
                return None
            validated[name] = result
        for name, default in self.defaults.items():
            if name not in validated:
                validated[name] = default() if callable(default) else default
        return validated


def _then(check: Check, method: Callable) -> Check:
    def checked(value):
        result = check(value)
        if result is _NO:
            return _NO
        try:
            return method(result)
        except serializers.ValidationError:
            return _NO

    return checked
